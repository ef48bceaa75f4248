import type { Config, Mode } from '../config/config.js'
import { ConfigError, GatherError, errorMessage, httpStatusOf } from '../core/errors.js'
import type { Logger } from '../core/log.js'
import { safeText } from '../core/untrusted.js'
import { ZERO_SHA } from './event.js'
import { posix } from 'node:path'
import {
  byPath,
  type HeadCommit,
  type ImageFile,
  type RefusedPath,
  type SkippedPath,
  type Trigger,
} from '../core/types.js'
import { createPathFilter, isLfsPointer, parseLfsAttributes } from './paths.js'
import {
  PULL_FILES_LIMIT,
  TreeIndex,
  commitFiles,
  compareFiles,
  diffTrees,
  listPullFiles,
  listTree,
  readBlob,
  readFileAt,
  type ChangedFile,
  type Octokit,
  type TreeEntry,
} from '../github/api.js'

export interface Gathered {
  images: ImageFile[]
  skipped: SkippedPath[]
  /** Paths refused without detection: symbolic links that leave the repository or dangle. */
  refused: RefusedPath[]
  head: HeadCommit
  /** One sentence for the log and the report: what was compared. */
  scope: string
}

/**
 * `auto` checks what changed on pull requests, pushes and merge queue entries, and audits
 * everything otherwise.
 */
export function resolveMode(mode: Mode, trigger: Trigger): 'changed' | 'all' {
  if (mode === 'all') return 'all'
  if (trigger.kind === 'other') {
    if (mode === 'changed') {
      throw new ConfigError(
        'mode',
        `is "changed", but a ${trigger.eventName} event has no changed files: use mode "all" or "auto".`,
      )
    }
    return 'all'
  }
  return 'changed'
}

export function headCommitOf(trigger: Trigger): HeadCommit {
  switch (trigger.kind) {
    case 'pull_request':
      return {
        repo: trigger.pr.headRepo,
        gitRepo: trigger.pr.baseRepo,
        sha: trigger.pr.headSha,
        ref: trigger.pr.headRef,
      }
    case 'push':
      return { repo: trigger.repo, gitRepo: trigger.repo, sha: trigger.after, ref: trigger.ref }
    case 'merge_group':
      return { repo: trigger.repo, gitRepo: trigger.repo, sha: trigger.headSha, ref: trigger.ref }
    case 'other':
      return { repo: trigger.repo, gitRepo: trigger.repo, sha: trigger.sha, ref: trigger.ref }
  }
}

interface Candidate {
  path: string
  sha: string
  entry?: TreeEntry
}

/** Finds the images to check for this event and mode, completely or not at all. */
export async function gatherImages(
  octokit: Octokit,
  trigger: Trigger,
  config: Pick<Config, 'mode' | 'include' | 'exclude'>,
  log: Logger,
): Promise<Gathered> {
  const head = headCommitOf(trigger)
  if (head.sha === '')
    throw new GatherError('Cannot tell the commit to check: GITHUB_SHA is not set.')
  const matches = createPathFilter(config.include, config.exclude)
  const mode = resolveMode(config.mode, trigger)

  let candidates: Candidate[]
  let scope: string
  // A whole-tree listing can be 100,000 files: nothing is read per file while gathering it.
  let probeLater = true
  if (mode === 'all') {
    candidates = await auditTree(octokit, head, log)
    scope = `every image at ${head.sha.slice(0, 7)}`
  } else {
    const changed = await listChanged(octokit, trigger, head, log)
    if (changed === 'audit') {
      candidates = await auditTree(octokit, head, log)
      scope = `every image at ${head.sha.slice(0, 7)} (the change could not be listed)`
    } else {
      candidates = changed.files
      scope = changed.scope
      probeLater = false
    }
  }

  const selected = candidates.filter((candidate) => matches(candidate.path))
  if (selected.length === 0) return { images: [], skipped: [], refused: [], head, scope }

  // Changed-file lists carry no file modes or sizes; look those entries up in the head tree.
  const index = new TreeIndex(octokit, head.gitRepo, head.sha)
  const entries = await Promise.all(
    selected.map(async (candidate) => candidate.entry ?? (await index.entry(candidate.path))),
  )
  const attributes = await readFileAt(octokit, head.gitRepo, '.gitattributes', head.sha)
  const tracksWithLfs = parseLfsAttributes(attributes ? new TextDecoder().decode(attributes) : '')

  const images: ImageFile[] = []
  const skipped: Gathered['skipped'] = []
  const refused: RefusedPath[] = []
  await Promise.all(
    selected.map(async (candidate, i) => {
      let entry = entries[i]
      let target: string | undefined
      if (entry?.mode === SYMLINK_MODE) {
        const link = await followLink(octokit, head, index, candidate.path, entry)
        if ('refusal' in link) {
          refused.push({ path: candidate.path, sha: entry.sha, ...link.refusal })
          return
        }
        ;({ entry, target } = link)
      }
      if (entry?.type === 'commit' || entry?.mode === '160000') {
        skipped.push({ path: candidate.path, reason: 'submodule' })
        return
      }
      const sha = entry?.sha ?? candidate.sha
      const byAttributes = tracksWithLfs(target ?? candidate.path)
      const via = target === undefined ? {} : { target }
      if (!byAttributes && probeLater && mayBeLfsPointer(entry?.size)) {
        images.push({ path: candidate.path, sha, lfs: false, unprobed: true, ...via })
      } else {
        const lfs =
          byAttributes ||
          (mayBeLfsPointer(entry?.size) && isLfsPointer(await readBlob(octokit, head.gitRepo, sha)))
        images.push({ path: candidate.path, sha, lfs, ...via })
      }
    }),
  )
  images.sort(byPath)
  skipped.sort(byPath)
  refused.sort(byPath)
  for (const skip of skipped)
    log.notice(`Skipped ${safeText(skip.path)}: a ${skip.reason}, not an image file.`)
  return { images, skipped, refused, head, scope }
}

const SYMLINK_MODE = '120000'
/** Links to links are followed this far; a longer chain is refused like a loop. */
const MAX_LINK_HOPS = 8

type FollowedLink =
  { entry: TreeEntry; target: string } | { refusal: Pick<RefusedPath, 'code' | 'message'> }

/**
 * A symbolic link is checked as the file it points to, when that file is in the repository at
 * this commit; a link that leaves the repository, dangles or ends at anything but a file is
 * refused, so a link can never carry an image past the gate.
 */
async function followLink(
  octokit: Octokit,
  head: HeadCommit,
  index: TreeIndex,
  path: string,
  link: TreeEntry,
): Promise<FollowedLink> {
  let current = path
  let entry: TreeEntry | undefined = link
  for (let hop = 0; hop < MAX_LINK_HOPS && entry?.mode === SYMLINK_MODE; hop++) {
    const pointsTo = new TextDecoder().decode(await readBlob(octokit, head.gitRepo, entry.sha))
    const resolved = posix.normalize(posix.join(posix.dirname(current), pointsTo))
    if (posix.isAbsolute(pointsTo) || resolved === '..' || resolved.startsWith('../')) {
      return {
        refusal: {
          code: 'InvalidURL',
          message: `A symbolic link to ${safeText(pointsTo, 200)}, outside the repository: link to a file inside it, or commit the image itself.`,
        },
      }
    }
    current = resolved
    entry = await index.entry(resolved)
  }
  if (entry?.type !== 'blob' || entry.mode === SYMLINK_MODE) {
    const what =
      entry === undefined
        ? 'nothing at this commit'
        : entry.mode === SYMLINK_MODE
          ? `a chain of more than ${MAX_LINK_HOPS} links`
          : 'a directory or submodule, not a file'
    return {
      refusal: {
        code: 'InvalidURL',
        message: `A symbolic link to ${safeText(current, 200)}: ${what}.`,
      },
    }
  }
  return { entry, target: current }
}

/** An LFS pointer is a version line, a sha256 oid and a size: about 130 bytes, never under 120. */
export function mayBeLfsPointer(size: number | undefined): boolean {
  return size !== undefined && size >= 120 && size <= 1024
}

async function auditTree(octokit: Octokit, head: HeadCommit, log: Logger): Promise<Candidate[]> {
  const entries = await listTree(octokit, head.gitRepo, head.sha, '', (path) =>
    log.info(
      `The tree listing of ${safeText(path)} was truncated by the API; listing its subtrees one by one.`,
    ),
  )
  return entries
    .filter((entry) => entry.type !== 'tree')
    .map((entry) => ({ path: entry.path, sha: entry.sha, entry }))
}

const fromTreeDiff = (entries: TreeEntry[]): Candidate[] =>
  entries.map((entry) => ({ path: entry.path, sha: entry.sha, entry }))

const present = (files: ChangedFile[]): Candidate[] =>
  files
    .filter((file) => file.status !== 'removed')
    .map((file) => ({ path: file.path, sha: file.sha }))

async function listChanged(
  octokit: Octokit,
  trigger: Trigger,
  head: HeadCommit,
  log: Logger,
): Promise<{ files: Candidate[]; scope: string } | 'audit'> {
  if (trigger.kind === 'pull_request') {
    const { pr } = trigger
    const files = await listPullFiles(octokit, pr.baseRepo, pr.number)
    const expected = pr.changedFiles ?? files.length
    if (files.length < PULL_FILES_LIMIT && files.length >= expected) {
      return { files: present(files), scope: `the ${files.length} files changed by #${pr.number}` }
    }
    log.info(
      `#${pr.number} changes ${expected} files and the files API lists at most ${PULL_FILES_LIMIT}: comparing the trees of the merge base and the head instead.`,
    )
    const { mergeBase } = await compareFiles(
      octokit,
      pr.baseRepo,
      pr.baseSha || pr.headSha,
      pr.headSha,
    )
    const changed = await diffTrees(octokit, pr.baseRepo, mergeBase, pr.headSha)
    return {
      files: fromTreeDiff(changed),
      scope: `the files changed by #${pr.number} (tree comparison)`,
    }
  }

  if (trigger.kind === 'push') {
    const { before, after } = trigger
    if (before === '' || ZERO_SHA.test(before)) {
      // A new branch: everything it adds since it left the default branch, not only its head commit.
      const { defaultBranch, ref } = trigger
      if (defaultBranch !== '' && ref !== defaultBranch) {
        try {
          return await compareRange(
            octokit,
            head,
            defaultBranch,
            after,
            log,
            `the files the new branch ${safeText(ref)} changes`,
            `since ${safeText(defaultBranch)}`,
          )
        } catch (error) {
          log.info(
            `Could not compare ${after.slice(0, 7)} with ${safeText(defaultBranch)}: ${safeText(errorMessage(error))}`,
          )
        }
      }
      try {
        const commit = await commitFiles(octokit, head.gitRepo, after)
        if (commit.parents > 0 && commit.complete) {
          log.notice(
            'New branch or no previous commit: checking the images changed by the pushed head commit.',
          )
          return {
            files: present(commit.files),
            scope: `the files changed by ${after.slice(0, 7)}`,
          }
        }
      } catch (error) {
        log.info(
          `Could not list the files of ${after.slice(0, 7)}: ${safeText(errorMessage(error))}`,
        )
      }
      log.notice(
        'New branch without a usable parent diff: auditing every image at the pushed commit.',
      )
      return 'audit'
    }
    try {
      return await compareRange(octokit, head, before, after, log)
    } catch (error) {
      if (httpStatusOf(error) !== 404) throw error
      log.notice(
        `The previous commit ${before.slice(0, 7)} is gone (force push?): auditing every image at the pushed commit.`,
      )
      return 'audit'
    }
  }

  if (trigger.kind === 'merge_group') {
    const { baseSha, headSha } = trigger
    if (baseSha !== '') {
      try {
        return await compareRange(
          octokit,
          head,
          baseSha,
          headSha,
          log,
          'the files the merge queue entry changes',
        )
      } catch (error) {
        if (httpStatusOf(error) !== 404) throw error
      }
    }
    log.notice(
      'The merge queue base commit is missing or unknown: auditing every image at the merge commit.',
    )
    return 'audit'
  }
  return 'audit'
}

/** The files changed from `base` to `after`: the compare API, or past its limit the trees. */
async function compareRange(
  octokit: Octokit,
  head: HeadCommit,
  base: string,
  after: string,
  log: Logger,
  what = 'the files changed',
  from = `from ${base.slice(0, 7)} to ${after.slice(0, 7)}`,
): Promise<{ files: Candidate[]; scope: string }> {
  const compared = await compareFiles(octokit, head.gitRepo, base, after)
  const scope = `${what} ${from}`
  if (compared.complete) return { files: present(compared.files), scope }
  log.info('The compare API lists at most 300 files: comparing the trees of both commits instead.')
  const changed = await diffTrees(octokit, head.gitRepo, compared.mergeBase, after)
  return { files: fromTreeDiff(changed), scope: `${scope} (tree comparison)` }
}
