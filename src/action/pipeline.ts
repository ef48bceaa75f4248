import type { Config } from '../config/config.js'
import type { Detector, DetectorStats } from '../detect/types.js'
import { detectAll, type ImageToDetect } from '../detect/run.js'
import {
  applyAccepted,
  countResults,
  decideVerdict,
  type Counts,
  type ImageResult,
  type Verdict,
} from '../decide/decide.js'
import { commentAuthor, findStickyComment } from '../publish/comment.js'
import { describeGitHubError } from '../github/errors.js'
import { gatherImages, probeLfsPointers, type Gathered } from '../gather/gather.js'
import { readImageBytes } from '../resolve/image-bytes.js'
import type { Octokit } from '../github/api.js'
import { resolveImageUrl } from '../resolve/url.js'
import { reportLinks, type ReportLinks } from '../report/links.js'
import { decodeRecord, VerdictCache } from '../record/comment-record.js'
import { readRecordFile } from '../record/record-file.js'
import { commentMarker } from '../report/render.js'
import { GatherError } from '../core/errors.js'
import { safeText } from '../core/untrusted.js'
import type { StickyComment } from '../publish/comment.js'
import type { ActionIo } from './io.js'
import { describeShard, inShard, type Shard } from '../core/shard.js'
import type { RepoRef, Trigger } from '../core/types.js'
import type { HeadCommit, ImageFile } from '../core/types.js'

export interface CheckOptions {
  config: Config
  trigger: Trigger
  octokit: Octokit
  detector: Detector
  /** e.g. "DashScope animate-anyone-detect-gen2", for the report. */
  detectorName: string
  io: ActionIo
  /** The runner's environment, for the report's links (GITHUB_SERVER_URL, GITHUB_RUN_ID). */
  env?: NodeJS.ProcessEnv
}

/** The pull request a report belongs to, and the action's comment on it if there is one. */
export interface PullRequestTarget {
  repo: RepoRef
  number: number
  existing: StickyComment | undefined
  /** False when the comments could not be listed: commenting then could add a second comment. */
  commentsRead: boolean
}

/** What one run found: everything publish needs, computed without writing anything. */
export interface CheckReport {
  results: ImageResult[]
  counts: Counts
  verdict: Verdict
  /** What was compared, for the log and the report. */
  scope: string
  head: HeadCommit
  skipped: Gathered['skipped']
  /** Verdicts reused from the record (no detection call). */
  reused: number
  stats: DetectorStats
  detectorName: string
  pullRequest: PullRequestTarget | undefined
  /** The record to write back: reused and new verdicts. */
  cache: VerdictCache
  /** Set when this run checked one shard; `scope` then names it, `shard.scope` is the whole run's. */
  shard?: Shard & { scope: string }
  /** Where the report links the files, their thumbnails and the run. */
  links: ReportLinks
}

/** The whole check for one event: gather, detect (reusing recorded verdicts), decide. */
export async function runCheck(options: CheckOptions): Promise<CheckReport> {
  const { config, trigger, octokit, detector, io } = options
  const gathered = await io.group('Finding images', async () => {
    const found = await gatherImages(octokit, trigger, config, io)
    io.info(`Checking ${found.scope}: ${found.images.length} image(s).`)
    return found
  })
  const { shard } = config
  const sharded = shard.count > 1
  // By blob sha, so that every path of one content is in the same shard and detected once.
  const mine = sharded
    ? gathered.images.filter((image) => inShard(image.sha, shard))
    : gathered.images
  const scope = sharded
    ? `${gathered.scope}, shard ${describeShard(shard)} (${mine.length} of ${gathered.images.length} images)`
    : gathered.scope
  if (sharded)
    io.info(`Shard ${describeShard(shard)}: ${mine.length} of ${gathered.images.length} image(s).`)
  if (mine.length > config.maxImages) {
    throw new GatherError(
      `Found ${mine.length} images to check${sharded ? ` in shard ${describeShard(shard)}` : ''}, more than max-images (${config.maxImages}). ` +
        `Raise the "max-images" input${sharded ? ', use more shards' : ''} or narrow "include"/"exclude"; nothing was checked.`,
    )
  }

  const pullRequest = await findPullRequestComment(options)
  const previous =
    pullRequest?.existing === undefined ? undefined : decodeRecord(pullRequest.existing.body)
  const cache = new VerdictCache(
    detector.identity,
    recordScope(trigger, config.commentKey),
    previous,
  )
  if (cache.foreign) {
    io.info(
      'The previous verdicts came from another backend, endpoint, model or pull request: checking every image again.',
    )
  }
  if (config.recordFile !== undefined) {
    const record = await readRecordFile(
      config.recordFile,
      { identity: cache.identity, scope: repositoryOf(gathered.head) },
      io,
    )
    if (record !== undefined) {
      cache.absorb(record)
      io.info(
        `Record file ${safeText(config.recordFile)}: ${record.verdicts.size} recorded verdict(s).`,
      )
    }
  }
  const images = await probeLfsPointers(
    octokit,
    gathered.head,
    mine,
    (image) => !cache.has(image.sha),
  )

  const accepted = (result: ImageResult): ImageResult =>
    applyAccepted([result], config.accept)[0] ?? result
  const logProgress = progress(images.length, io)
  const detected = await io.group('Detecting', () =>
    detectAll(
      images.map((image) => toDetectable(options, gathered.head, image)),
      {
        detector,
        requireBodystyle: config.requireBodystyle,
        cache,
        onResult: (result) => logProgress(accepted(result)),
      },
    ),
  )
  const results = detected.results.map(accepted)
  const { reused } = detected
  const counts = countResults(results)
  const stats = detector.stats()
  io.info(
    `${counts.checked} checked: ${counts.passed} passed, ${counts.rejected} rejected, ${counts.errors} errors, ${counts.accepted} accepted; ` +
      `${reused} verdict(s) reused, ${stats.requests} request(s), ${stats.retries} retries, ${stats.throttled} throttled.`,
  )
  if (sharded && pullRequest !== undefined) {
    io.info(
      `Shard ${describeShard(shard)}: not commenting on #${pullRequest.number}; the step with merge-results posts the one report.`,
    )
  }
  return {
    results,
    counts,
    verdict: decideVerdict(counts, config),
    scope,
    head: gathered.head,
    skipped: gathered.skipped,
    reused,
    stats,
    detectorName: options.detectorName,
    pullRequest: sharded ? undefined : pullRequest,
    cache,
    ...(sharded ? { shard: { ...shard, scope: gathered.scope } } : {}),
    links: reportLinks(gathered.head.repo, options.env ?? process.env),
  }
}

const STATUS_WORDS: Record<ImageResult['status'], string> = {
  pass: 'PASS',
  reject: 'REJECT',
  error: 'ERROR',
  accepted: 'ACCEPTED',
}

/** One log line per image as it finishes, and its whole decision for ACTIONS_STEP_DEBUG. */
function progress(total: number, io: ActionIo): (result: ImageResult) => void {
  let done = 0
  return (result) => {
    done++
    const path = safeText(result.path)
    const code = result.code === null ? '' : ` ${safeText(result.code)}`
    io.info(`[${done}/${total}] ${STATUS_WORDS[result.status]} ${path}${code}`)
    io.debug(
      `Decision for ${path}: ${result.status}, code ${safeText(result.code ?? '-')}, ` +
        `body ${result.bodystyle ?? '-'}, request ${safeText(result.requestId ?? '-')}, ` +
        `blob ${result.sha ?? '-'}, message ${safeText(result.message ?? '-')}`,
    )
  }
}

/** The repository a record file and a results file belong to: `owner/repo`. */
export function repositoryOf(head: HeadCommit): string {
  return `${head.gitRepo.owner}/${head.gitRepo.repo}`
}

/** The PR's existing report comment, when the event is a pull request. */
export async function findPullRequestComment(
  options: Pick<CheckOptions, 'config' | 'trigger' | 'octokit' | 'io'>,
): Promise<PullRequestTarget | undefined> {
  const { trigger, octokit, io } = options
  if (trigger.kind !== 'pull_request') return undefined
  const { pr } = trigger
  try {
    const author = await commentAuthor(octokit, options.config.commentAuthor)
    const existing = await findStickyComment(
      octokit,
      pr.baseRepo,
      pr.number,
      author,
      commentMarker(options.config.commentKey),
    )
    return { repo: pr.baseRepo, number: pr.number, existing, commentsRead: true }
  } catch (error) {
    io.warning(
      `Could not read the comments of #${pr.number} (${describeGitHubError(error)}): not commenting, so as never to add a second report. The full report is in the job summary.`,
    )
    return { repo: pr.baseRepo, number: pr.number, existing: undefined, commentsRead: false }
  }
}

/**
 * What a verdict record belongs to: a copy from another repository, PR or `comment-key` is never
 * trusted.
 */
export function recordScope(trigger: Trigger, commentKey = ''): string {
  const key = commentKey === '' ? '' : ` ${commentKey}`
  if (trigger.kind === 'pull_request') {
    const { baseRepo, number } = trigger.pr
    return `${baseRepo.owner}/${baseRepo.repo}#${number}${key}`
  }
  return `${trigger.repo.owner}/${trigger.repo.repo}${key}`
}

function toDetectable(options: CheckOptions, head: HeadCommit, image: ImageFile): ImageToDetect {
  const { config, octokit, io } = options
  const url = resolveImageUrl(
    config.baseUrl,
    { ...head.repo, sha: head.sha, ref: head.ref, path: image.path },
    image.lfs,
  )
  return {
    path: image.path,
    url,
    sha: image.sha,
    readBytes: () =>
      readImageBytes(
        {
          octokit,
          githubToken: config.githubToken,
          head,
          workspace: config.workspace,
          timeoutMs: config.timeoutMs,
          log: io,
        },
        image,
        url,
      ),
  }
}
