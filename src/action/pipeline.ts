import { isAbsolute, relative } from 'node:path'
import type { Config } from '../config/config.js'
import { inShard } from '../core/shard.js'
import { byPath, type RefusedPath, type Trigger } from '../core/types.js'
import { safeText } from '../core/untrusted.js'
import { STATUS_WORDS, countResults, decideImage, type ImageResult } from '../decide/decide.js'
import { detectAll } from '../detect/run.js'
import type { Detector } from '../detect/types.js'
import { gatherImages, type Gathered } from '../gather/gather.js'
import { selectShard } from '../gather/select.js'
import { TreeIndex, type Octokit } from '../github/api.js'
import type { ActionIo } from '../publish/action-io.js'
import { findPullRequestComment, type PullRequestTarget } from '../publish/comment.js'
import type { BytesByPath } from '../publish/gallery.js'
import type { PublishTarget } from '../publish/publish.js'
import { decodeRecord } from '../record/comment-record.js'
import { readRecordFile } from '../record/record-file.js'
import { recordScope, repositoryOf } from '../record/scope.js'
import { VerdictCache } from '../record/verdicts.js'
import { reportLinks } from '../report/links.js'
import type { RunReport } from '../report/run-report.js'
import { probeLfsPointers } from '../resolve/lfs.js'
import { resolveRepositoryImage } from '../resolve/repository-image.js'

export interface CheckOptions {
  config: Config
  trigger: Trigger
  octokit: Octokit
  detector: Detector
  /** e.g. "DashScope animate-anyone-detect-gen2", for the report. */
  detectorName: string
  io: ActionIo
  /** The runner's environment, for the report's links (GITHUB_SERVER_URL, GITHUB_RUN_ID). */
  env: NodeJS.ProcessEnv
  now?: () => number
}

/** What one run found, and where publish sends it. */
export interface CheckOutcome {
  report: RunReport
  target: PublishTarget
  /** How each checked image's bytes are read again (for the gallery's thumbnails). */
  readBytes: BytesByPath
}

/**
 * The whole check for one event, stage by stage: gather, select this shard, load the recorded
 * verdicts, resolve (LFS pointers probed), detect, decide. Nothing is written here.
 */
export async function runCheck(options: CheckOptions): Promise<CheckOutcome> {
  const { config, trigger, octokit, detector, io } = options
  const gathered = await io.group('Finding images', async () => {
    const found = await gatherImages(octokit, trigger, config, io)
    io.info(`Checking ${found.scope}: ${found.images.length} image(s).`)
    return found
  })
  const { head } = gathered
  const mine = selectShard(gathered.images, config, io)
  const sharded = config.shard.count > 1

  const pullRequest = await findPullRequestComment(octokit, trigger, config, io)
  const cache = await loadVerdicts(options, gathered, pullRequest)

  const source = {
    octokit,
    githubToken: config.githubToken,
    head,
    workspace: config.workspace,
    timeoutMs: config.timeoutMs,
    log: io,
  }
  const probed = await probeLfsPointers(octokit, head, mine, (image) => !cache.has(image.sha))
  const images = probed.map((image) => resolveRepositoryImage(image, config.baseUrl, source))

  const policy = {
    requireBodystyle: config.requireBodystyle,
    accept: config.accept,
    // The gallery draws the evidence; the outputs and files leave it out.
    keepEvidence: config.gallery !== undefined,
  }
  const logProgress = progress(images.length, io)
  const detected: ImageResult[] = new Array<ImageResult>(images.length)
  const { reused } = await io.group('Detecting', () =>
    detectAll(images, {
      detector,
      cache,
      onDetection: (image, detection, index) => {
        const result = decideImage(image, detection, policy)
        detected[index] = result
        logProgress(result)
      },
    }),
  )
  const results = [...detected, ...refusedResults(gathered.refused, config)].sort(byPath)
  const counts = countResults(results)
  const stats = detector.stats()
  io.info(
    `${counts.checked} checked: ${counts.passed} passed, ${counts.rejected} rejected, ${counts.errors} errors, ${counts.accepted} accepted; ` +
      `${reused} verdict(s) reused, ${stats.requests} request(s), ${stats.retries} retries, ${stats.throttled} throttled.`,
  )
  if (sharded && pullRequest !== undefined) {
    io.info(
      `Shard ${config.shard.index}/${config.shard.count}: not commenting on #${pullRequest.number}; the step with merge-results posts the one report.`,
    )
  }
  return {
    report: {
      repository: repositoryOf(head),
      sha: head.sha,
      scope: gathered.scope,
      shard: config.shard,
      detector: options.detectorName,
      identity: cache.identity,
      results,
      skipped: gathered.skipped,
      reused,
      stats,
      verdicts: cache.snapshot(),
    },
    target: {
      pullRequest: sharded ? undefined : pullRequest,
      repo: head.gitRepo,
      links: reportLinks(head.repo, options.env),
      recordScope: recordScope(trigger, config.commentKey),
    },
    readBytes: new Map(images.map((image) => [image.path, image.readBytes])),
  }
}

/**
 * The verdicts this run may reuse: the PR comment's record (the action's own comment, read from its
 * end only) and the record file, when they are of this detector, scope and repository.
 */
async function loadVerdicts(
  options: CheckOptions,
  gathered: Gathered,
  pullRequest: PullRequestTarget | undefined,
): Promise<VerdictCache> {
  const { config, trigger, detector, io } = options
  const previous =
    pullRequest?.existing === undefined ? undefined : decodeRecord(pullRequest.existing.body)
  const cache = new VerdictCache(
    detector.identity,
    recordScope(trigger, config.commentKey),
    previous,
    options.now,
  )
  if (cache.foreign) {
    io.info(
      'The previous verdicts came from another backend, endpoint, model or pull request: checking every image again.',
    )
  }
  const { recordFile } = config
  if (recordFile === undefined) return cache
  const tracked = await trackedInRepository(options, gathered, recordFile)
  if (tracked !== undefined) {
    io.warning(
      `Ignoring the record file ${safeText(recordFile)}: ${safeText(tracked)} is a file or link of the repository at this commit, so the pull request could have written it. Keep the record file out of the repository (actions/cache restores it).`,
    )
    return cache
  }
  const record = await readRecordFile(
    recordFile,
    { identity: cache.identity, scope: repositoryOf(gathered.head), key: config.recordKey },
    io,
  )
  if (record !== undefined) {
    cache.absorb(record)
    io.info(`Record file ${safeText(recordFile)}: ${record.verdicts.size} recorded verdict(s).`)
  }
  return cache
}

/**
 * The record file's repository path when the commit being checked holds a file there: a checkout
 * of a pull request's head would then hand the pull request's own record to the check.
 */
async function trackedInRepository(
  options: CheckOptions,
  gathered: Gathered,
  recordFile: string,
): Promise<string | undefined> {
  const { workspace } = options.config
  if (workspace === undefined) return undefined
  const inside = relative(workspace, recordFile).split('\\').join('/')
  if (inside === '' || inside.startsWith('../') || isAbsolute(inside)) return undefined
  const { head } = gathered
  const index = new TreeIndex(options.octokit, head.gitRepo, head.sha)
  // Every folder on the way too: a folder the commit holds as a symbolic link would lead the
  // checkout's path to a file of the pull request's choosing.
  const segments = inside.split('/')
  for (let depth = 1; depth <= segments.length; depth++) {
    const path = segments.slice(0, depth).join('/')
    const entry = await index.entry(path)
    if (entry === undefined) return undefined
    if (depth === segments.length || entry.type !== 'tree') return path
  }
  return undefined
}

/** This shard's refused paths (by the same blob rule as its images) as rejections. */
function refusedResults(refused: readonly RefusedPath[], config: Config): ImageResult[] {
  return refused
    .filter((path) => inShard(path.sha, config.shard))
    .map((path) =>
      decideImage(
        { path: path.path, url: '', sha: path.sha },
        { status: 'reject', code: path.code, message: path.message },
        { requireBodystyle: 'any', accept: config.accept },
      ),
    )
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
