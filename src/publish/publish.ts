import type { Config } from '../config/config.js'
import { errorMessage } from '../core/errors.js'
import type { RepoRef } from '../core/types.js'
import { terminalJson } from '../core/untrusted.js'
import {
  countResults,
  decideOutcome,
  withoutEvidence,
  type ImageResult,
  type RunOutcome,
} from '../decide/decide.js'
import { describeGitHubError } from '../github/errors.js'
import type { Octokit } from '../github/api.js'
import { encodeRecord } from '../record/comment-record.js'
import type { ReportLinks } from '../report/links.js'
import {
  COMMENT_LIMIT,
  countBytes,
  renderReport,
  renderReportWithOmissions,
  reportContext,
  type ReportContext,
} from '../report/render.js'
import { describeScope, type RunReport } from '../report/run-report.js'
import type { ActionIo } from './action-io.js'
import { CHECK_RUN_LIMITS, checkRunConclusion, publishCheckRun } from './check-run.js'
import { upsertComment, type PullRequestTarget } from './comment.js'

export interface PublishOptions {
  config: Pick<
    Config,
    'comment' | 'commentKey' | 'maxAnnotations' | 'failOnReject' | 'onApiError' | 'checkRun'
  >
  octokit: Octokit
  io: ActionIo
}

/** Where a run's report goes besides the log and the outputs. */
export interface PublishTarget {
  /** The repository whose commit the run checked: where its check run goes. */
  repo: RepoRef
  /** The pull request and its report comment; undefined off pull requests and in shards. */
  pullRequest: PullRequestTarget | undefined
  links: ReportLinks
  /** What the comment's verdict record belongs to (`recordScope`). */
  recordScope: string
  /** The evidence gallery this run wrote, as the footer names it (a workspace path). */
  gallery?: string
}

/** Room the verdict record always gets in the comment; it takes more when the report is short. */
const RECORD_MIN_CHARS = 16_384
/** GitHub takes at most 1 MiB of job summary per step, counted in bytes; this leaves a margin. */
const SUMMARY_LIMIT = 1_000_000

/**
 * Writes a report where people and later steps read it: outputs, annotations, summary, comment.
 * Returns the run's verdict, which the caller turns into the step's outcome.
 */
export async function publish(
  report: RunReport,
  target: PublishTarget,
  options: PublishOptions,
): Promise<RunOutcome> {
  const { io, config } = options
  const { results } = report
  const counts = countResults(results)
  const verdict = decideOutcome(counts, config)
  // Evidence (kept for the gallery) is the gallery's; the output stays one short item per image.
  io.setOutput('results', terminalJson(results.map(withoutEvidence)))
  io.setOutput('checked', counts.checked)
  io.setOutput('passed', counts.passed)
  io.setOutput('rejected', counts.rejected)
  io.setOutput('errors', counts.errors)
  io.setOutput('accepted', counts.accepted)

  const context = reportContext(report, {
    failed: verdict.failed,
    fullListHint: 'the results output lists every image',
    links: target.links,
    commentKey: config.commentKey,
    ...(target.gallery === undefined ? {} : { gallery: target.gallery }),
  })
  const summary = renderReportWithOmissions(results, context, SUMMARY_LIMIT, countBytes)
  try {
    await io.writeSummary(summary.markdown)
  } catch (error) {
    io.warning(`Could not write the job summary: ${errorMessage(error)}`)
  }

  await publishComment(
    report,
    target,
    summary.omitted === 0
      ? { ...context, fullListHint: 'the job summary and the results output list every image' }
      : context,
    verdict,
    options,
  )

  // Last: with check-run: true a refused check run fails the step, after everything else is out.
  await annotateFiles(
    report,
    target,
    context,
    verdict,
    options,
    summary.omitted === 0
      ? 'the job summary lists every image'
      : 'the results output lists every image',
  )
  if (counts.checked === 0) io.notice(`No images to check in ${describeScope(report)}.`)
  if (verdict.warning !== undefined) io.warning(verdict.warning)
  return verdict
}

/**
 * Every rejected or unchecked file annotated through one check run; where the token may not create
 * one (`check-run: auto` and a 403, as on fork pull requests), workflow annotations instead.
 */
async function annotateFiles(
  report: RunReport,
  target: PublishTarget,
  context: ReportContext,
  outcome: RunOutcome,
  { config, octokit, io }: PublishOptions,
  fullList: string,
): Promise<void> {
  if (report.shard.count > 1) {
    // The step with merge-results creates the one check run, with every shard's files in it.
    annotate(report.results, config.maxAnnotations, io, fullList)
    return
  }
  const summary = renderReport(report.results, context, CHECK_RUN_LIMITS.summaryChars)
  const checkRun = await publishCheckRun(octokit, {
    repo: target.repo,
    headSha: report.sha,
    results: report.results,
    summary,
    title: outcome.summary,
    conclusion: checkRunConclusion(outcome.failed, context.counts),
    mode: config.checkRun,
    commentKey: config.commentKey,
  })
  if (checkRun.kind === 'created') {
    io.info(
      `Check run ${checkRun.id}: ${checkRun.annotations} file(s) annotated in ${checkRun.requests} request(s).`,
    )
    return
  }
  if (checkRun.kind === 'fallback') io.notice(checkRun.notice)
  annotate(
    report.results,
    config.maxAnnotations,
    io,
    fullList,
    checkRun.kind === 'fallback' ? checkRun.annotated : 0,
  )
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
  alreadyAnnotated = 0,
): void {
  // Rejections first, then errors: the check run's order, so a check run that annotated the first
  // files before it failed is continued, not repeated.
  const annotated = [
    ...results.filter((r) => r.status === 'reject'),
    ...results.filter((r) => r.status === 'error'),
  ].slice(alreadyAnnotated)
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
  report: RunReport,
  target: PublishTarget,
  context: ReportContext,
  verdict: RunOutcome,
  { config, octokit, io }: PublishOptions,
): Promise<void> {
  const { pullRequest } = target
  if (pullRequest === undefined || !pullRequest.commentsRead) return
  const wanted =
    config.comment === 'always' ||
    (config.comment === 'on-failure' && (verdict.failed || pullRequest.existing !== undefined))
  // With no images and no earlier comment there is nothing worth a new comment.
  if (!wanted || (context.counts.checked === 0 && pullRequest.existing === undefined)) return
  const rendered = renderReport(report.results, context, COMMENT_LIMIT - RECORD_MIN_CHARS)
  const record = encodeRecord(
    { identity: report.identity, scope: target.recordScope, verdicts: report.verdicts },
    COMMENT_LIMIT - rendered.length - 2,
  )
  const body = record === '' ? rendered : `${rendered}\n\n${record}`
  try {
    const { action, id } = await upsertComment(
      octokit,
      pullRequest.repo,
      pullRequest.number,
      pullRequest.existing,
      body,
    )
    io.info(`Comment ${id} on #${pullRequest.number}: ${action}.`)
  } catch (error) {
    io.warning(
      `Could not comment on #${pullRequest.number}: ${describeGitHubError(error)}. The full report is in the job summary.`,
    )
  }
}
