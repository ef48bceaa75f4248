import { sanitizeCommentKey } from '../config/config.js'
import type { Audience, SkippedPath } from '../core/types.js'
import { countResults, type Counts, type ImageResult } from '../decide/decide.js'
import { describeScope, type RunReport } from './run-report.js'
import { explain } from './explain.js'
import { codeSpan, escapeAttribute, escapeText, linkDestination } from './markdown.js'
import { commitUrl, fileUrls, type ReportLinks } from './links.js'

export type { ReportLinks } from './links.js'

export const COMMENT_MARKER = '<!-- animate-anyone-check -->'
/** GitHub refuses comment bodies longer than this. */
export const COMMENT_LIMIT = 65_536

/** The hidden first line that finds the comment again: one per `comment-key`. */
export function commentMarker(key = ''): string {
  const clean = sanitizeCommentKey(key)
  return clean === '' ? COMMENT_MARKER : `<!-- animate-anyone-check ${clean} -->`
}

/** What the report shows besides the rows: the run's facts and where its readers find more. */
export interface ReportContext {
  counts: Counts
  failed: boolean
  /** What was compared, e.g. "the 12 files changed by #7". */
  scope: string
  /** e.g. "DashScope animate-anyone-detect-gen2". */
  detector: string
  /** The head commit the files were read at. */
  sha: string
  /** Verdicts reused from the previous run's record (no detection call). */
  reused: number
  skipped: readonly SkippedPath[]
  /** Where the full list is when this report is cut. */
  fullListHint: string
  /** Links to the files, their thumbnails and the run; without them paths are shown unlinked. */
  links?: ReportLinks
  /** `comment-key`: which marker the report starts with. */
  commentKey?: string
  /** The evidence gallery written beside the report (its path, as the reader finds it). */
  gallery?: string
  /** Whose words the hints use: the action's inputs (default) or the CLI's flags. */
  audience?: Audience
}

/** The context of a run's report: its facts, with how it is shown where. */
export function reportContext(
  report: RunReport,
  view: Pick<
    ReportContext,
    'failed' | 'fullListHint' | 'links' | 'commentKey' | 'gallery' | 'audience'
  >,
): ReportContext {
  return {
    counts: countResults(report.results),
    scope: describeScope(report),
    detector: report.detector,
    sha: report.sha,
    reused: report.reused,
    skipped: report.skipped,
    ...view,
  }
}

/** How a limit is counted: comments by characters, the job summary by UTF-8 bytes (as GitHub does). */
export type Measure = (text: string) => number
export const countChars: Measure = (text) => text.length
export const countBytes: Measure = (text) => Buffer.byteLength(text, 'utf8')

const plural = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`

function headline(context: ReportContext): string {
  const { checked, passed, rejected, errors, accepted } = context.counts
  if (checked === 0) return '### ✅ AnimateAnyone image check: no images to check'
  if (rejected === 0 && errors === 0) {
    const all = `all ${plural(checked, 'image')} passed`
    const text = accepted === 0 ? all : `${passed} passed, ${accepted} accepted`
    return `### ✅ AnimateAnyone image check: ${text}`
  }
  const icon = context.failed ? '❌' : '⚠️'
  const parts = []
  if (rejected > 0) parts.push(`${rejected} rejected`)
  if (errors > 0) parts.push(`${errors} not checked (error)`)
  if (accepted > 0) parts.push(`${accepted} accepted`)
  parts.push(`${passed} passed`)
  return `### ${icon} AnimateAnyone image check: ${parts.join(', ')}`
}

function countsTable(counts: Counts): string[] {
  const columns: [string, number][] = [
    ['Checked', counts.checked],
    ['Passed', counts.passed],
    ['Rejected', counts.rejected],
    ...(counts.accepted > 0 ? [['Accepted', counts.accepted] as [string, number]] : []),
    ['Errors', counts.errors],
  ]
  return [
    `| ${columns.map(([name]) => name).join(' | ')} |`,
    `|${columns.map(() => '---:|').join('')}`,
    `| ${columns.map(([, n]) => n).join(' | ')} |`,
  ]
}

/** Renders the rows of one report: paths linked to the files' pages where links are known. */
class Rows {
  constructor(private readonly context: ReportContext) {}

  private urls(result: ImageResult): { page: string; image: string } | undefined {
    const { links, sha } = this.context
    if (links !== undefined && sha !== '') return fileUrls(links, sha, result.path)
    // Without a repository (a local audit), a fetched image still has a URL to show. It comes
    // from a results file or the command line, so it is made a safe link destination first.
    const url = linkDestination(result.url)
    return url === undefined ? undefined : { page: url, image: url }
  }

  /** The path, linked to the file's page; with a thumbnail inside the same link (each URL once). */
  image(result: ImageResult, thumbnail: boolean): string {
    const path = codeSpan(result.path, true)
    const urls = this.urls(result)
    if (urls === undefined) return path
    // A fixed height keeps the rows even; no width, so the person keeps their proportions.
    const img = thumbnail
      ? `<img src="${escapeAttribute(urls.image)}" height="100" alt=""><br>`
      : ''
    return `[${img}${path}](${urls.page})`
  }

  sha(result: ImageResult): string {
    return result.sha === null ? '—' : codeSpan(result.sha, true)
  }

  message(result: ImageResult): string {
    return result.message === null || result.message === '' ? '—' : escapeText(result.message)
  }
}

interface Section {
  head: string[]
  rows: string[]
  tail: string[]
  noun: string
}

/** Rejections grouped by code, the largest group first: the explanation once, then the rows. */
function rejectionSections(
  rejected: readonly ImageResult[],
  rows: Rows,
  audience: Audience | undefined,
): Section[] {
  const groups = new Map<string, ImageResult[]>()
  for (const result of rejected) {
    const code = result.code ?? 'Rejected'
    groups.set(code, [...(groups.get(code) ?? []), result])
  }
  const ordered = [...groups].sort(([a, x], [b, y]) => y.length - x.length || (a < b ? -1 : 1))
  return ordered.map(([code, results]) => {
    const { why, fix } = explain(code, audience)
    return {
      head: [
        `#### ❌ ${codeSpan(code)} · ${plural(results.length, 'image')}`,
        '',
        `${why} **How to fix:** ${fix}`,
        '',
        '| Image | Reason | Blob SHA |',
        '|---|---|---|',
      ],
      rows: results.map((r) => `| ${rows.image(r, true)} | ${rows.message(r)} | ${rows.sha(r)} |`),
      tail: [''],
      noun: `${codeSpan(code)} rejections`,
    }
  })
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
  const rows = new Rows(context)
  const top = [
    commentMarker(context.commentKey),
    headline(context),
    '',
    ...countsTable(context.counts),
    '',
  ]
  const rejected = results.filter((r) => r.status === 'reject')
  const errors = results.filter((r) => r.status === 'error')
  const accepted = results.filter((r) => r.status === 'accepted')
  const passed = results.filter((r) => r.status === 'pass')
  if (rejected.length > 0) {
    top.push(
      context.audience === 'cli'
        ? '<sub>Reviewed a rejected photo and keeping it? Pass its blob SHA to `--accept`: it passes until its content changes.</sub>'
        : '<sub>Reviewed a rejected photo and keeping it? Add its blob SHA to the `accept` input: it passes until its content changes.</sub>',
      '',
    )
  }
  const sections = rejectionSections(rejected, rows, context.audience)
  if (errors.length > 0) {
    sections.push({
      head: [
        `#### ⚠️ Could not be checked · ${plural(errors.length, 'image')}`,
        '',
        '| Image | Error | Details |',
        '|---|---|---|',
      ],
      rows: errors.map(
        (r) =>
          `| ${rows.image(r, false)} | ${codeSpan(r.code ?? 'Error', true)} | ${rows.message(r)} |`,
      ),
      tail: [''],
      noun: 'errors',
    })
  }
  if (accepted.length > 0) {
    sections.push({
      head: [
        `#### ☑️ Accepted · ${plural(accepted.length, 'image')}`,
        '',
        context.audience === 'cli'
          ? 'Rejected, but this exact content is listed in `--accept`.'
          : 'Rejected, but this exact content is listed in the `accept` input.',
        '',
        '| Image | Code | Reason | Blob SHA |',
        '|---|---|---|---|',
      ],
      rows: accepted.map(
        (r) =>
          `| ${rows.image(r, false)} | ${codeSpan(r.code ?? 'Rejected', true)} | ${rows.message(r)} | ${rows.sha(r)} |`,
      ),
      tail: [''],
      noun: 'accepted images',
    })
  }
  if (passed.length > 0) {
    sections.push({
      head: ['<details>', `<summary>Passed (${passed.length})</summary>`, ''],
      rows: passed.map(
        (r) => `- ${codeSpan(r.path)}${r.bodystyle === null ? '' : ` — ${r.bodystyle} body`}`,
      ),
      tail: ['', '</details>', ''],
      noun: 'passed images',
    })
  }
  if (context.skipped.length > 0) {
    sections.push({
      head: ['<details>', `<summary>Skipped (${context.skipped.length})</summary>`, ''],
      rows: context.skipped.map((skip) => `- ${codeSpan(skip.path)} — ${escapeText(skip.reason)}`),
      tail: ['', '</details>', ''],
      noun: 'skipped paths',
    })
  }
  const footer = [footerLine(context)]

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

function footerLine(context: ReportContext): string {
  const { links, sha } = context
  const reused =
    context.reused > 0
      ? `, ${context.reused} verdict${context.reused === 1 ? '' : 's'} reused from earlier runs`
      : ''
  const short = codeSpan(sha.slice(0, 7))
  const at =
    links !== undefined && /^[0-9a-f]{7,64}$/i.test(sha)
      ? `[${short}](${commitUrl(links, sha)})`
      : short
  const run = links?.runUrl === undefined ? '' : ` · [Workflow run](${links.runUrl})`
  // Where the workflow uploads it (actions/upload-artifact) is the workflow's: the run's page lists it.
  const gallery =
    context.gallery === undefined
      ? ''
      : ` · Evidence gallery: ${codeSpan(context.gallery)}${links?.runUrl === undefined ? '' : ' (in the run’s artifacts)'}`
  return `<sub>Checked ${escapeText(context.scope)} with ${escapeText(context.detector)} at ${at}${reused}.${run}${gallery}</sub>`
}
