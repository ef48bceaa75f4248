import * as core from '@actions/core'
import { FatalDetectorError, GatherError, errorMessage, httpStatusOf } from '../shared/errors.js'
import type { Trigger } from './event.js'
import { gatherImages, type Gathered, type ImageFile } from '../github/gather.js'
import type { Config } from './inputs.js'
import { readImageBytes } from '../github/image-source.js'
import type { Octokit } from '../github/repo.js'
import { resolveImageUrl } from '../github/resolve.js'
import {
  applyBodystyleRule,
  countResults,
  decideVerdict,
  toResult,
  type ImageResult,
  type Verdict,
} from '../detect/results.js'
import type { Detection, DetectionJob, Detector } from '../detect/types.js'
import {
  findStickyComment,
  tokenLogin,
  upsertComment,
  type StickyComment,
} from '../github/comment.js'
import {
  decodeRecord,
  encodeRecord,
  recordable,
  toDetection,
  toRecorded,
  type RecordedVerdict,
  type VerdictRecord,
} from '../report/record.js'
import { COMMENT_LIMIT, renderReport, type ReportContext } from '../report/render.js'

export interface CheckOptions {
  config: Config
  trigger: Trigger
  octokit: Octokit
  detector: Detector
  /** e.g. "DashScope animate-anyone-detect-gen2", for the report. */
  detectorName: string
}

/** Room the verdict record always gets in the comment; it takes more when the report is short. */
const RECORD_MIN_CHARS = 16_384
/** The job summary accepts up to 1 MiB per step. */
const SUMMARY_LIMIT = 1_000_000

/** The whole check for one event: gather, detect (reusing recorded verdicts), report, decide. */
export async function runCheck(options: CheckOptions): Promise<Verdict> {
  const { config, trigger, octokit, detector } = options
  const gathered = await core.group('Finding images', async () => {
    const found = await gatherImages(octokit, trigger, config, core)
    core.info(`Checking ${found.scope}: ${found.images.length} image(s).`)
    return found
  })
  if (gathered.images.length > config.maxImages) {
    throw new GatherError(
      `Found ${gathered.images.length} images to check, more than max-images (${config.maxImages}). ` +
        'Raise the "max-images" input or narrow "include"/"exclude"; nothing was checked.',
    )
  }

  const pr = trigger.kind === 'pull_request' ? trigger.pr : undefined
  let sticky: StickyComment | undefined
  if (pr !== undefined) {
    try {
      sticky = await findStickyComment(octokit, pr.baseRepo, pr.number, await tokenLogin(octokit))
    } catch (error) {
      core.warning(`Could not read the comments of #${pr.number}: ${errorMessage(error)}`)
    }
  }
  const previous = sticky === undefined ? undefined : decodeRecord(sticky.body)
  const record: VerdictRecord = {
    identity: detector.identity,
    verdicts:
      previous?.identity === detector.identity
        ? previous.verdicts
        : new Map<string, RecordedVerdict>(),
  }
  if (previous !== undefined && previous.identity !== detector.identity) {
    core.info(
      'The previous verdicts came from another backend, endpoint or model: checking every image again.',
    )
  }

  const { results, reused } = await core.group('Detecting', () =>
    detectAll(options, gathered, record),
  )
  const counts = countResults(results)
  const verdict = decideVerdict(counts, config)
  const stats = detector.stats()
  core.info(
    `${counts.checked} checked: ${counts.passed} passed, ${counts.rejected} rejected, ${counts.errors} errors; ` +
      `${reused} verdict(s) reused, ${stats.requests} request(s), ${stats.retries} retries, ${stats.throttled} throttled.`,
  )

  core.setOutput('results', JSON.stringify(results))
  core.setOutput('checked', counts.checked)
  core.setOutput('passed', counts.passed)
  core.setOutput('rejected', counts.rejected)
  core.setOutput('errors', counts.errors)
  for (const result of results) {
    const text = `${result.code ?? result.status}: ${result.message ?? ''}`
    if (result.status === 'reject')
      core.error(text, { title: 'Rejected by the AnimateAnyone check', file: result.path })
    if (result.status === 'error')
      core.warning(text, { title: 'Not checked (error)', file: result.path })
  }

  const context: ReportContext = {
    counts,
    failed: verdict.failed,
    scope: gathered.scope,
    detector: options.detectorName,
    sha: gathered.head.sha,
    reused,
    skipped: gathered.skipped,
    fullListHint: 'the job summary and the results output list every image',
  }
  await writeSummary(renderReport(results, context, SUMMARY_LIMIT))

  if (pr !== undefined) {
    const wanted =
      config.comment === 'always' ||
      (config.comment === 'on-failure' && (verdict.failed || sticky !== undefined))
    // With no images and no earlier comment there is nothing worth a new comment.
    if (wanted && (counts.checked > 0 || sticky !== undefined)) {
      const report = renderReport(results, context, COMMENT_LIMIT - RECORD_MIN_CHARS)
      const recordText = encodeRecord(record, COMMENT_LIMIT - report.length - 2)
      const body = recordText === '' ? report : `${report}\n\n${recordText}`
      try {
        const { action, id } = await upsertComment(octokit, pr.baseRepo, pr.number, sticky, body)
        core.info(`Comment ${id} on #${pr.number}: ${action}.`)
      } catch (error) {
        const status = httpStatusOf(error)
        const why =
          status === 403
            ? 'the token may not write here (pull requests from forks get a read-only token)'
            : errorMessage(error)
        core.warning(
          `Could not comment on #${pr.number}: ${why}. The full report is in the job summary.`,
        )
      }
    }
  }

  if (counts.checked === 0) core.notice(`No images to check in ${gathered.scope}.`)
  if (verdict.warning !== undefined) core.warning(verdict.warning)
  return verdict
}

async function detectAll(
  options: CheckOptions,
  gathered: Gathered,
  record: VerdictRecord,
): Promise<{ results: ImageResult[]; reused: number }> {
  const { config, detector, octokit } = options
  const { head } = gathered
  const urlOf = (image: ImageFile): string =>
    resolveImageUrl(
      config.baseUrl,
      { ...head.repo, sha: head.sha, ref: head.ref, path: image.path },
      image.lfs,
    )

  const now = Date.now()
  let reused = 0
  const bySha = new Map<string, Promise<Detection>>()
  for (const image of gathered.images) {
    if (bySha.has(image.sha)) continue
    const recorded = record.verdicts.get(image.sha)
    if (recorded !== undefined) {
      reused++
      record.verdicts.set(image.sha, { ...recorded, at: now })
      bySha.set(image.sha, Promise.resolve(toDetection(recorded)))
      continue
    }
    const job: DetectionJob = {
      path: image.path,
      url: urlOf(image),
      sha: image.sha,
      readBytes: () =>
        readImageBytes(
          {
            octokit,
            githubToken: config.githubToken,
            head,
            workspace: config.workspace,
            timeoutMs: config.timeoutMs,
            log: core,
          },
          image,
          urlOf(image),
        ),
    }
    bySha.set(
      image.sha,
      detector.detect(job).then(
        (detection) => {
          if (recordable(detection)) record.verdicts.set(image.sha, toRecorded(detection, now))
          return detection
        },
        (error: unknown): Detection => {
          if (error instanceof FatalDetectorError) throw error
          return { status: 'error', code: 'InternalError', message: errorMessage(error) }
        },
      ),
    )
  }
  const detections = await Promise.all(
    gathered.images.map((image) => bySha.get(image.sha) ?? Promise.reject(new Error('no job'))),
  )
  const results = gathered.images.map((image, i) =>
    toResult(
      image.path,
      urlOf(image),
      applyBodystyleRule(detections[i] as Detection, config.requireBodystyle),
    ),
  )
  return { results, reused }
}

async function writeSummary(markdown: string): Promise<void> {
  if (process.env.GITHUB_STEP_SUMMARY === undefined || process.env.GITHUB_STEP_SUMMARY === '') {
    core.info(markdown)
    return
  }
  try {
    await core.summary.addRaw(markdown, true).write()
  } catch (error) {
    core.warning(`Could not write the job summary: ${errorMessage(error)}`)
  }
}
