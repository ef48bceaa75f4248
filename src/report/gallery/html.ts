/**
 * Escaping for the gallery's two HTML contexts. Text content: `&`, `<` and `>` as entities, so no
 * tag or entity can form (`</script>` included). Attribute values, always written double-quoted:
 * those and both quotes, so no value can end its attribute.
 */
const TEXT: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' }
const ATTRIBUTE: Record<string, string> = { ...TEXT, '"': '&quot;', "'": '&#39;' }

export function escapeHtml(text: string): string {
  return text.replace(/[&<>]/g, (char) => TEXT[char] ?? char)
}

export function escapeAttribute(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ATTRIBUTE[char] ?? char)
}
