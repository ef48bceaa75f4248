import { writeFile } from 'node:fs/promises'
import { countResults, decideVerdict, type ImageResult } from '../decide/decide.js'
import type { Config } from '../config/config.js'
import { renderReport } from '../report/render.js'
import { safeText } from '../core/untrusted.js'
import { UsageError, type CliIo } from './io.js'

export type ReportFormat = 'markdown' | 'json'

export function reportFormat(value: string | undefined): ReportFormat {
  if (value === 'markdown' || value === 'json') return value
  throw new UsageError(`Option --format must be "markdown" or "json"; got "${value ?? ''}".`)
}

export interface ReportFacts {
  scope: string
  detector: string
  sha: string
  reused: number
  skipped: { path: string; reason: string }[]
  policy: Pick<Config, 'failOnReject' | 'onApiError'>
}

/** The report `audit` and `merge` write: the PR comment's Markdown, or the results array. */
export function formatReport(
  results: readonly ImageResult[],
  format: ReportFormat,
  facts: ReportFacts,
): string {
  if (format === 'json') return `${JSON.stringify(results, null, 2)}\n`
  const counts = countResults(results)
  return `${renderReport(
    results,
    {
      counts,
      failed: decideVerdict(counts, facts.policy).failed,
      scope: facts.scope,
      detector: facts.detector,
      sha: facts.sha,
      reused: facts.reused,
      skipped: facts.skipped,
      fullListHint: 'run with --format json for the full list',
    },
    10_000_000,
  )}\n`
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
