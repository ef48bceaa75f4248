/**
 * The vocabulary every stage shares: where images come from (repository, event, head commit), what
 * was found (image files, skipped paths) and the body styles a photo can have.
 */

/** Full body = head to toe; half body = waist up. */
export type Bodystyle = 'full' | 'half'
/** What a repository requires of passing photos (`require-bodystyle`). */
export type RequiredBodystyle = 'any' | Bodystyle

/**
 * Who reads a message: a workflow author, who changes the action's inputs, or a person at a
 * terminal, who changes the CLI's flags. Messages name what their reader can change.
 */
export type Audience = 'action' | 'cli'

export interface RepoRef {
  owner: string
  repo: string
}

export interface PullRequestInfo {
  number: number
  /** The repository the PR targets: comments and the files list live here. */
  baseRepo: RepoRef
  /** The repository the PR's commits come from (a fork for fork PRs): images are served from here. */
  headRepo: RepoRef
  headSha: string
  headRef: string
  baseSha: string
  /** From the payload; the files API lists at most 3,000, so more needs another way. */
  changedFiles: number | undefined
  draft: boolean
}

export type Trigger =
  | { kind: 'pull_request'; eventName: string; pr: PullRequestInfo }
  | {
      kind: 'push'
      eventName: string
      repo: RepoRef
      before: string
      after: string
      ref: string
      /** The repository's default branch ('' when the payload does not say). */
      defaultBranch: string
    }
  /** A merge queue entry: the queue's base commit and the temporary merge commit to check. */
  | {
      kind: 'merge_group'
      eventName: string
      repo: RepoRef
      baseSha: string
      headSha: string
      ref: string
    }
  | { kind: 'other'; eventName: string; repo: RepoRef; sha: string; ref: string }

export interface ImageFile {
  path: string
  /** Git blob sha at the head commit: the identity of the content. */
  sha: string
  /** Tracked by Git LFS: git holds a pointer, the real file lives on the LFS server. */
  lfs: boolean
  /** For a symbolic link: the repository path it points to, whose content `sha` is. */
  target?: string
  /**
   * Not known to be LFS, but of a pointer's size and not yet read to tell: `probeLfsPointers`
   * reads it when it is about to be detected (an audit reads no blob per file up front).
   */
  unprobed?: boolean
}

export interface HeadCommit {
  /** Where the images are read from: the PR head repository for forks. */
  repo: RepoRef
  /** Where git objects are read through the API (the base repository sees a fork's commits). */
  gitRepo: RepoRef
  sha: string
  ref: string
}

/** A path the run found but did not check, and why (a symbolic link, a submodule). */
export interface SkippedPath {
  path: string
  reason: string
}

/** A path refused without detection, with the rejection it gets (a link leaving the repository). */
export interface RefusedPath {
  path: string
  /** The blob sha of what git holds at the path (the link itself). */
  sha: string
  code: string
  message: string
}

/** Orders anything with a path as `git ls-files` lists paths (by code unit). */
export const byPath = (a: { path: string }, b: { path: string }): number =>
  a.path < b.path ? -1 : a.path > b.path ? 1 : 0
