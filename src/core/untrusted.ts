/**
 * Text from outside (file names from a pull request, a service's messages and request ids, URLs,
 * image metadata) is made safe here, once, for every place it is shown: logs, the CLI's terminal
 * output and the report.
 */

/** How many characters of one untrusted field are shown; the rest becomes an ellipsis. */
export const MAX_FIELD_CHARS = 500

/**
 * Characters that would change what a reader sees or a runner does: C0 and C1 controls (newlines,
 * carriage returns, ANSI escapes), and the bidi embeddings, overrides and isolates that can make a
 * name display as another.
 */
// eslint-disable-next-line no-control-regex
const HIDDEN = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu

const visible = (char: string): string => {
  const code = char.codePointAt(0) ?? 0
  if (char === '\n') return '\\n'
  if (char === '\r') return '\\r'
  if (char === '\t') return '\\t'
  return code <= 0xff
    ? `\\x${code.toString(16).padStart(2, '0')}`
    : `\\u${code.toString(16).padStart(4, '0')}`
}

/**
 * One untrusted field as one visible line: hidden characters are written out as escapes
 * (`\n`, `\x1b`, `\u202e`) and anything past maxChars is cut with an ellipsis.
 */
export function safeText(text: string, maxChars: number = MAX_FIELD_CHARS): string {
  const shown = text.replace(HIDDEN, visible)
  const chars = Array.from(shown)
  return chars.length > maxChars ? `${chars.slice(0, maxChars - 1).join('')}…` : shown
}

/**
 * A whole log line that may hold untrusted text: one line, no hidden characters, and never the
 * start of a runner workflow command (`::name::`, or the older `##[name]`), which the runner reads
 * after leading whitespace too.
 */
export function safeLine(line: string): string {
  const text = line.replace(HIDDEN, visible)
  return /^\s*(::|##\[)/.test(text) ? `> ${text.trimStart()}` : text
}

/** Multi-line text whose lines are each made safe (a report written to the log). */
export function safeLines(text: string): string {
  return text
    .split(/\r?\n/)
    .map((line) => safeLine(line.replace(/\r/g, '')))
    .join('\n')
}

/** A URL as it may be printed: no user, password, query or fragment (they can hold secrets). */
export function redactUrl(url: URL | string): string {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return '(an unreadable URL)'
  }
  const hidden = parsed.username !== '' || parsed.password !== '' || parsed.search !== ''
  parsed.username = ''
  parsed.password = ''
  parsed.search = ''
  parsed.hash = ''
  return hidden ? `${parsed.href} (credentials and query hidden)` : parsed.href
}

/**
 * Characters JSON may carry raw but a terminal acts on or hides: C1 controls (an 8-bit CSI starts
 * an escape sequence on some terminals), the bidi embeddings, overrides and isolates, and the
 * line and paragraph separators. JSON.stringify escapes only the C0 range.
 */
const RAW_IN_JSON = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g

/**
 * JSON for a terminal or a log: the same value as JSON.stringify writes, with every character a
 * terminal would act on written as a `\uXXXX` escape, so a file name can neither colour the
 * screen, set its title nor hide part of itself.
 */
export function terminalJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, null, indent).replace(
    RAW_IN_JSON,
    (char) => `\\u${(char.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`,
  )
}
