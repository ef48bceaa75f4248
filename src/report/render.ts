import type { ImageResult, Counts } from '../detect/results.js'
import { safeText } from '../shared/untrusted.js'
import { explain } from './explain.js'

export const COMMENT_MARKER = '<!-- animate-anyone-check -->'
/** GitHub refuses comment bodies longer than this. */
export const COMMENT_LIMIT = 65_536

export interface ReportContext {
  counts: Counts
  failed: boolean
  /** What was compared, e.g. "the 12 files changed by #7". */
  scope: string
  /** e.g. "DashScope animate-anyone-detect-gen2". */
  detector: string
  sha: string
  /** Verdicts reused from the previous run's record (no detection call). */
  reused: number
  skipped: { path: string; reason: string }[]
  /** Where the full list is when this report is cut. */
  fullListHint: string
}

/** How a limit is counted: comments by characters, the job summary by UTF-8 bytes (as GitHub does). */
export type Measure = (text: string) => number
export const countChars: Measure = (text) => text.length
export const countBytes: Measure = (text) => Buffer.byteLength(text, 'utf8')

/**
 * Makes text inert in Markdown and HTML: everything but letters, digits, spaces and slashes becomes
 * a numeric character reference, so a file name can neither break a table nor inject markup,
 * links, mentions or issue references.
 */
export function escapeText(text: string): string {
  return safeText(text).replace(/[^\p{L}\p{N} /]/gu, (char) => `&#${char.codePointAt(0) ?? 0};`)
}

function escapeAttribute(text: string): string {
  return text.replace(/[&"'<>]/g, (char) => `&#${char.charCodeAt(0)};`)
}

const code = (text: string): string => `<code>${escapeText(text)}</code>`

function headline(context: ReportContext): string {
  const { checked, passed, rejected, errors } = context.counts
  if (checked === 0) return '### ✅ AnimateAnyone image check: no images to check'
  if (rejected === 0 && errors === 0)
    return `### ✅ AnimateAnyone image check: all ${checked} image${checked === 1 ? '' : 's'} passed`
  const icon = context.failed ? '❌' : '⚠️'
  const parts = []
  if (rejected > 0) parts.push(`${rejected} rejected`)
  if (errors > 0) parts.push(`${errors} not checked (error)`)
  parts.push(`${passed} passed`)
  return `### ${icon} AnimateAnyone image check: ${parts.join(', ')}`
}

function rejectedRow(result: ImageResult): string {
  const explanation = explain(result.code)
  const reason = result.message === null ? '' : `${escapeText(result.message)}<br>`
  const thumbnail = `<a href="${escapeAttribute(result.url)}"><img src="${escapeAttribute(result.url)}" alt="" width="64"></a>`
  return `| ${thumbnail} | ${code(result.path)} | ${code(result.code ?? 'Rejected')} | ${reason}${explanation.why} | ${explanation.fix} |`
}

function errorRow(result: ImageResult): string {
  return `| ${code(result.path)} | ${code(result.code ?? 'Error')} | ${escapeText(result.message ?? '')} |`
}

function passedItem(result: ImageResult): string {
  return `- ${code(result.path)}${result.bodystyle === null ? '' : ` — ${result.bodystyle} body`}`
}

interface Section {
  head: string[]
  rows: string[]
  tail: string[]
  noun: string
}

/**
 * The Markdown report shown in the PR comment and the job summary. Pure. Stays within maxChars by
 * leaving out rows (rejections last) and saying how many, and where the full list is.
 */
export function renderReport(
  results: readonly ImageResult[],
  context: ReportContext,
  maxChars: number,
  measure: Measure = countChars,
): string {
  return renderReportWithOmissions(results, context, maxChars, measure).markdown
}

/** The report, and how many rows had to be left out to stay within maxChars. */
export function renderReportWithOmissions(
  results: readonly ImageResult[],
  context: ReportContext,
  maxChars: number,
  measure: Measure = countChars,
): { markdown: string; omitted: number } {
  const { counts } = context
  const top = [
    COMMENT_MARKER,
    headline(context),
    '',
    '| Checked | Passed | Rejected | Errors |',
    '|---:|---:|---:|---:|',
    `| ${counts.checked} | ${counts.passed} | ${counts.rejected} | ${counts.errors} |`,
    '',
  ]
  const rejected = results.filter((r) => r.status === 'reject')
  const errors = results.filter((r) => r.status === 'error')
  const passed = results.filter((r) => r.status === 'pass')
  const sections: Section[] = []
  if (rejected.length > 0) {
    sections.push({
      head: ['#### Rejected', '', '| | Image | Code | Why | How to fix |', '|---|---|---|---|---|'],
      rows: rejected.map(rejectedRow),
      tail: [''],
      noun: 'rejected images',
    })
  }
  if (errors.length > 0) {
    sections.push({
      head: ['#### Could not be checked', '', '| Image | Error | Details |', '|---|---|---|'],
      rows: errors.map(errorRow),
      tail: [''],
      noun: 'errors',
    })
  }
  if (passed.length > 0) {
    sections.push({
      head: ['<details>', `<summary>Passed (${passed.length})</summary>`, ''],
      rows: passed.map(passedItem),
      tail: ['', '</details>', ''],
      noun: 'passed images',
    })
  }
  if (context.skipped.length > 0) {
    sections.push({
      head: ['<details>', `<summary>Skipped (${context.skipped.length})</summary>`, ''],
      rows: context.skipped.map((skip) => `- ${code(skip.path)} — ${escapeText(skip.reason)}`),
      tail: ['', '</details>', ''],
      noun: 'skipped paths',
    })
  }
  const reused =
    context.reused > 0
      ? `, ${context.reused} verdict${context.reused === 1 ? '' : 's'} reused from earlier runs`
      : ''
  const footer = [
    `<sub>Checked ${escapeText(context.scope)} with ${escapeText(context.detector)} at ${code(context.sha.slice(0, 7))}${reused}.</sub>`,
  ]

  const join = (lines: string[]): string => lines.join('\n')
  const fixedLength =
    measure(join(top)) +
    measure(join(footer)) +
    sections.reduce((sum, s) => sum + measure(join(s.head)) + measure(join(s.tail)) + 4, 0)
  // Room for the "N more" notes.
  let budget = maxChars - fixedLength - 200 * (sections.length + 1)
  const lines = [...top]
  let omitted = 0
  for (const section of sections) {
    lines.push(...section.head)
    let shown = 0
    for (const row of section.rows) {
      // A row that does not fit is left out, and shorter rows after it still get their place.
      const size = measure(row) + 1
      if (size > budget) continue
      budget -= size
      lines.push(row)
      shown++
    }
    omitted += section.rows.length - shown
    if (shown < section.rows.length) {
      lines.push(
        '',
        `_…and ${section.rows.length - shown} more ${section.noun} not shown here: ${escapeText(context.fullListHint)}._`,
      )
    }
    lines.push(...section.tail)
  }
  lines.push(...footer)
  return { markdown: join(lines), omitted }
}
