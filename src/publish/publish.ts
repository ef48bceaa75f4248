import type { Config } from '../config/config.js'
import type { ImageResult } from '../decide/decide.js'
import { upsertComment } from './comment.js'
import type { Octokit } from '../github/api.js'
import {
  COMMENT_LIMIT,
  countBytes,
  renderReport,
  renderReportWithOmissions,
  type ReportContext,
} from '../report/render.js'
import { describeGitHubError } from '../github/errors.js'
import { errorMessage } from '../core/errors.js'
import type { CheckReport } from '../action/pipeline.js'
import type { ActionIo } from '../action/io.js'

export interface PublishOptions {
  config: Pick<Config, 'comment' | 'commentKey' | 'maxAnnotations'>
  octokit: Octokit
  io: ActionIo
}

/** Room the verdict record always gets in the comment; it takes more when the report is short. */
const RECORD_MIN_CHARS = 16_384
/** GitHub takes at most 1 MiB of job summary per step, counted in bytes; this leaves a margin. */
const SUMMARY_LIMIT = 1_000_000

/** Writes a report where people and later steps read it: outputs, annotations, summary, comment. */
export async function publish(report: CheckReport, options: PublishOptions): Promise<void> {
  const { io } = options
  const { results, counts, verdict } = report
  io.setOutput('results', JSON.stringify(results))
  io.setOutput('checked', counts.checked)
  io.setOutput('passed', counts.passed)
  io.setOutput('rejected', counts.rejected)
  io.setOutput('errors', counts.errors)
  io.setOutput('accepted', counts.accepted)

  const context: ReportContext = {
    counts,
    failed: verdict.failed,
    scope: report.scope,
    detector: report.detectorName,
    sha: report.head.sha,
    reused: report.reused,
    skipped: report.skipped,
    fullListHint: 'the results output lists every image',
    links: report.links,
    commentKey: options.config.commentKey,
  }
  const summary = renderReportWithOmissions(results, context, SUMMARY_LIMIT, countBytes)
  annotate(
    results,
    options.config.maxAnnotations,
    io,
    summary.omitted === 0
      ? 'the job summary lists every image'
      : 'the results output lists every image',
  )
  try {
    await io.writeSummary(summary.markdown)
  } catch (error) {
    io.warning(`Could not write the job summary: ${errorMessage(error)}`)
  }

  await publishComment(
    report,
    summary.omitted === 0
      ? { ...context, fullListHint: 'the job summary and the results output list every image' }
      : context,
    options,
  )

  if (counts.checked === 0) io.notice(`No images to check in ${report.scope}.`)
  if (verdict.warning !== undefined) io.warning(verdict.warning)
}

/**
 * One annotation per rejected file (an error), then per file that could not be checked (a
 * warning), at most `max`; a notice counts the rest. GitHub shows only a few per step anyway.
 */
export function annotate(
  results: readonly ImageResult[],
  max: number,
  io: ActionIo,
  fullList = 'the job summary lists every image',
): void {
  const annotated = [
    ...results.filter((r) => r.status === 'reject'),
    ...results.filter((r) => r.status === 'error'),
  ]
  for (const result of annotated.slice(0, max)) {
    const text = `${result.code ?? result.status}: ${result.message ?? ''}`
    if (result.status === 'reject')
      io.error(text, { title: 'Rejected by the AnimateAnyone check', file: result.path })
    else io.warning(text, { title: 'Not checked (error)', file: result.path })
  }
  const more = annotated.length - Math.min(max, annotated.length)
  if (more > 0) {
    io.notice(
      `${more} more rejected or unchecked image${more === 1 ? ' is' : 's are'} not annotated (max-annotations: ${max}); ${fullList}.`,
    )
  }
}

async function publishComment(
  report: CheckReport,
  context: ReportContext,
  { config, octokit, io }: PublishOptions,
): Promise<void> {
  const target = report.pullRequest
  if (target === undefined || !target.commentsRead) return
  const wanted =
    config.comment === 'always' ||
    (config.comment === 'on-failure' && (report.verdict.failed || target.existing !== undefined))
  // With no images and no earlier comment there is nothing worth a new comment.
  if (!wanted || (report.counts.checked === 0 && target.existing === undefined)) return
  const rendered = renderReport(report.results, context, COMMENT_LIMIT - RECORD_MIN_CHARS)
  const record = report.cache.encode(COMMENT_LIMIT - rendered.length - 2)
  const body = record === '' ? rendered : `${rendered}\n\n${record}`
  try {
    const { action, id } = await upsertComment(
      octokit,
      target.repo,
      target.number,
      target.existing,
      body,
    )
    io.info(`Comment ${id} on #${target.number}: ${action}.`)
  } catch (error) {
    io.warning(
      `Could not comment on #${target.number}: ${describeGitHubError(error)}. The full report is in the job summary.`,
    )
  }
}
