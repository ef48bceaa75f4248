import { safeText } from '../core/untrusted.js'

/**
 * The report's only hidden HTML comments are the action's own (the marker on the first line, the
 * verdict record at the end). A word joiner inside `<!--` and `-->` keeps any untrusted text that
 * Markdown shows verbatim (code spans) from ever opening or closing one, and reads the same.
 */
export function defuseComments(text: string): string {
  return text.replace(/<!/g, '<\u2060!').replace(/--(?=>)/g, '--\u2060')
}

/** Joins `@` and `#` to what follows, so that no mention, team, e-mail or issue reference forms. */
const JOINER = '\u2060'

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' }
const isWordChar = (char: string | undefined): boolean =>
  char !== undefined && /[\p{L}\p{N}]/u.test(char)

/**
 * Untrusted text for a Markdown paragraph or table cell, shown as written: `<`, `>` and `&` as
 * entities, the Markdown punctuation that could start emphasis, code, links, strikethrough, math
 * or a cell boundary backslash-escaped, and a word joiner after `@`, an issue `#`, a URL scheme's
 * `:` and `www`, so that GitHub links nothing and notifies no one.
 */
export function escapeText(text: string): string {
  return safeText(text)
    .replace(/[&<>]/g, (char) => ENTITIES[char] ?? char)
    .replace(/[\\`*[\]~|$]/g, '\\$&')
    .replace(/_/g, (char, offset: number, whole: string) =>
      // Inside a word an underscore never emphasises, and a name like side_view stays readable.
      isWordChar(whole[offset - 1]) && isWordChar(whole[offset + 1]) ? char : '\\_',
    )
    .replace(/@/g, `@${JOINER}`)
    .replace(/#(?=\d)/g, `#${JOINER}`)
    .replace(/\b(GH-)(?=\d)/gi, `$1${JOINER}`)
    .replace(/:\/\//g, `:${JOINER}//`)
    .replace(/\b(www)\./gi, `$1${JOINER}.`)
}

/**
 * Untrusted text as a code span, which Markdown shows verbatim (no markup, HTML, links, mentions
 * or references): the fence is one backtick longer than any run of backticks inside, padded with
 * spaces where the text starts or ends with a backtick or a space. In a table cell `|` still ends
 * the cell, even inside code, so there it is escaped.
 */
export function codeSpan(text: string, inTable = false): string {
  let shown = defuseComments(safeText(text))
  if (shown === '') return '` `'
  if (inTable) shown = shown.replace(/\|/g, '\\|')
  const longest = Math.max(0, ...Array.from(shown.matchAll(/`+/g), (run) => run[0].length))
  const fence = '`'.repeat(longest + 1)
  const pad = /^[` ]|[` ]$/.test(shown) ? ' ' : ''
  return `${fence}${pad}${shown}${pad}${fence}`
}

/** A value for an HTML attribute the report itself writes (only URLs, already encoded). */
export function escapeAttribute(text: string): string {
  return text.replace(/[&"'<>]/g, (char) => `&#${char.charCodeAt(0)};`)
}

/**
 * An untrusted URL as a Markdown link destination (and an HTML attribute): an absolute http(s) URL
 * as the URL parser normalises it, with every character that could end the destination, open
 * markup or start a new line percent-encoded. Anything else is no link at all.
 */
export function linkDestination(text: string): string | undefined {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    return undefined
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined
  return url.href.replace(
    /[^A-Za-z0-9\-._~:/?#@!$&*+,;=%]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`,
  )
}
