import { writeFile } from 'node:fs/promises'
import { countResults, decideOutcome, withoutEvidence, type ImageResult } from '../decide/decide.js'
import type { Config } from '../config/config.js'
import { renderReport, reportContext } from '../report/render.js'
import type { RunReport } from '../report/run-report.js'
import { safeText, terminalJson } from '../core/untrusted.js'
import { UsageError, type CliIo } from './io.js'

export type ReportFormat = 'markdown' | 'json'

export function reportFormat(value: string | undefined): ReportFormat {
  if (value === 'markdown' || value === 'json') return value
  throw new UsageError(`Option --format must be "markdown" or "json"; got "${value ?? ''}".`)
}

/** The report `audit` and `merge` write: the PR comment's Markdown, or the results array. */
export function formatReport(
  report: RunReport,
  format: ReportFormat,
  policy: Pick<Config, 'failOnReject' | 'onApiError'>,
): string {
  if (format === 'json') return `${terminalJson(report.results.map(withoutEvidence), 2)}\n`
  const failed = decideOutcome(countResults(report.results), policy).failed
  const context = reportContext(report, {
    failed,
    fullListHint: 'run with --format json for the full list',
    audience: 'cli',
  })
  return `${renderReport(report.results, context, 10_000_000)}\n`
}

/** To --output (with a counts line on stderr) or stdout. */
export async function emitReport(
  report: string,
  results: readonly ImageResult[],
  output: string | undefined,
  io: CliIo,
): Promise<void> {
  if (output === undefined) {
    io.stdout(report)
    return
  }
  await writeFile(output, report)
  const counts = countResults(results)
  io.stderr(
    `Wrote ${safeText(output)}: ${counts.checked} checked, ${counts.passed} passed, ${counts.rejected} rejected, ${counts.errors} errors.\n`,
  )
}
