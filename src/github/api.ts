import type { Octokit } from './octokit.js'
import { httpStatusOf } from '../core/errors.js'
import type { RepoRef } from '../core/types.js'

export type { Octokit }

export type FileStatus =
  'added' | 'modified' | 'renamed' | 'copied' | 'removed' | 'changed' | 'unchanged'

export interface ChangedFile {
  path: string
  /** Git blob sha of the content at the head commit (empty for removed files). */
  sha: string
  status: FileStatus
  previousPath?: string
}

export interface TreeEntry {
  path: string
  sha: string
  /** '100644' file, '100755' executable, '120000' symlink, '160000' submodule, '040000' tree. */
  mode: string
  type: 'blob' | 'tree' | 'commit'
  size?: number
}

/** The files API lists at most this many files of a pull request. */
export const PULL_FILES_LIMIT = 3000
/** The compare API lists at most this many files of a comparison. */
export const COMPARE_FILES_LIMIT = 300

interface ApiFile {
  filename: string
  sha?: string | null
  status: string
  previous_filename?: string
}

function toChangedFile(file: ApiFile): ChangedFile {
  const changed: ChangedFile = {
    path: file.filename,
    sha: file.sha ?? '',
    status: file.status as FileStatus,
  }
  if (file.previous_filename !== undefined) changed.previousPath = file.previous_filename
  return changed
}

export async function listPullFiles(
  octokit: Octokit,
  repo: RepoRef,
  pullNumber: number,
): Promise<ChangedFile[]> {
  const files = await octokit.paginate(octokit.rest.pulls.listFiles, {
    ...repo,
    pull_number: pullNumber,
    per_page: 100,
  })
  return files.map(toChangedFile)
}

/** The files between two commits; `complete` is false when the API cut the list at its limit. */
export async function compareFiles(
  octokit: Octokit,
  repo: RepoRef,
  base: string,
  head: string,
): Promise<{ files: ChangedFile[]; complete: boolean; mergeBase: string }> {
  const { data } = await octokit.rest.repos.compareCommitsWithBasehead({
    ...repo,
    basehead: `${base}...${head}`,
    per_page: 100,
  })
  const files = (data.files ?? []).map(toChangedFile)
  return {
    files,
    complete: files.length < COMPARE_FILES_LIMIT,
    mergeBase: data.merge_base_commit.sha,
  }
}

/** The files a single commit changed against its first parent, all pages. */
export async function commitFiles(
  octokit: Octokit,
  repo: RepoRef,
  sha: string,
): Promise<{ files: ChangedFile[]; complete: boolean; parents: number }> {
  const files: ChangedFile[] = []
  for (let page = 1; ; page++) {
    const { data } = await octokit.rest.repos.getCommit({ ...repo, ref: sha, per_page: 100, page })
    const pageFiles = data.files ?? []
    files.push(...pageFiles.map(toChangedFile))
    if (pageFiles.length < 100) {
      return { files, complete: files.length < PULL_FILES_LIMIT, parents: data.parents.length }
    }
  }
}

async function getTree(
  octokit: Octokit,
  repo: RepoRef,
  treeSha: string,
  recursive: boolean,
): Promise<{ entries: TreeEntry[]; truncated: boolean }> {
  const { data } = await octokit.rest.git.getTree({
    ...repo,
    tree_sha: treeSha,
    ...(recursive ? { recursive: 'true' } : {}),
  })
  const entries = data.tree.map((item): TreeEntry => {
    const entry: TreeEntry = {
      path: item.path,
      sha: item.sha,
      mode: item.mode,
      type: item.type as TreeEntry['type'],
    }
    if (item.size !== undefined) entry.size = item.size
    return entry
  })
  return { entries, truncated: data.truncated }
}

const join = (prefix: string, name: string): string => (prefix === '' ? name : `${prefix}/${name}`)

/**
 * Every entry under a tree (or commit). When the recursive listing comes back truncated, each
 * subtree is listed on its own instead, so the result is never a silent part of the tree.
 */
export async function listTree(
  octokit: Octokit,
  repo: RepoRef,
  treeSha: string,
  prefix = '',
  onWalk?: (path: string) => void,
): Promise<TreeEntry[]> {
  const recursive = await getTree(octokit, repo, treeSha, true)
  if (!recursive.truncated) {
    return recursive.entries.map((entry) => ({ ...entry, path: join(prefix, entry.path) }))
  }
  onWalk?.(prefix === '' ? '/' : prefix)
  const top = await getTree(octokit, repo, treeSha, false)
  const result: TreeEntry[] = []
  for (const entry of top.entries) {
    const path = join(prefix, entry.path)
    result.push({ ...entry, path })
    if (entry.type === 'tree')
      result.push(...(await listTree(octokit, repo, entry.sha, path, onWalk)))
  }
  return result
}

/**
 * The blobs added or changed from one tree to another, descending only into subtrees whose sha
 * differs, so the cost follows the size of the change rather than the size of the repository.
 */
export async function diffTrees(
  octokit: Octokit,
  repo: RepoRef,
  baseTree: string,
  headTree: string,
  prefix = '',
): Promise<TreeEntry[]> {
  if (baseTree === headTree) return []
  const [base, head] = await Promise.all([
    baseTree === ''
      ? Promise.resolve({ entries: [], truncated: false })
      : getTree(octokit, repo, baseTree, false),
    getTree(octokit, repo, headTree, false),
  ])
  const baseByName = new Map(base.entries.map((entry) => [entry.path, entry]))
  const changed: TreeEntry[] = []
  for (const entry of head.entries) {
    const before = baseByName.get(entry.path)
    if (before?.sha === entry.sha && before.mode === entry.mode) continue
    const path = join(prefix, entry.path)
    if (entry.type === 'tree') {
      const beforeTree = before?.type === 'tree' ? before.sha : ''
      changed.push(...(await diffTrees(octokit, repo, beforeTree, entry.sha, path)))
    } else {
      changed.push({ ...entry, path })
    }
  }
  return changed
}

/**
 * Looks up single entries of one commit's tree, fetching only the directories on the way (and
 * each once), so a pull request's few images cost a few requests, not the whole tree.
 */
export class TreeIndex {
  private readonly directories = new Map<string, Promise<Map<string, TreeEntry> | undefined>>()

  constructor(
    private readonly octokit: Octokit,
    private readonly repo: RepoRef,
    private readonly commitSha: string,
  ) {}

  async entry(path: string): Promise<TreeEntry | undefined> {
    const slash = path.lastIndexOf('/')
    const directory = await this.directory(slash < 0 ? '' : path.slice(0, slash))
    return directory?.get(path.slice(slash + 1))
  }

  private directory(path: string): Promise<Map<string, TreeEntry> | undefined> {
    let pending = this.directories.get(path)
    if (pending === undefined) {
      pending = this.loadDirectory(path)
      this.directories.set(path, pending)
    }
    return pending
  }

  private async loadDirectory(path: string): Promise<Map<string, TreeEntry> | undefined> {
    let sha = this.commitSha
    if (path !== '') {
      const parent = await this.entry(path)
      if (parent?.type !== 'tree') return undefined
      sha = parent.sha
    }
    const { entries } = await getTree(this.octokit, this.repo, sha, false)
    return new Map(entries.map((entry) => [entry.path, entry]))
  }
}

/** A file's bytes at a commit, or undefined when it does not exist there. */
export async function readFileAt(
  octokit: Octokit,
  repo: RepoRef,
  path: string,
  ref: string,
): Promise<Uint8Array | undefined> {
  try {
    const response = await octokit.request('GET /repos/{owner}/{repo}/contents/{path}', {
      ...repo,
      path,
      ref,
      headers: { accept: 'application/vnd.github.raw' },
    })
    return toBytes(response.data)
  } catch (error) {
    if (httpStatusOf(error) === 404) return undefined
    throw error
  }
}

/** A blob's raw bytes through the git blobs API (works for private repositories with the token). */
export async function readBlob(octokit: Octokit, repo: RepoRef, sha: string): Promise<Uint8Array> {
  const response = await octokit.request('GET /repos/{owner}/{repo}/git/blobs/{file_sha}', {
    ...repo,
    file_sha: sha,
    headers: { accept: 'application/vnd.github.raw' },
  })
  return toBytes(response.data)
}

function toBytes(data: unknown): Uint8Array {
  if (data instanceof ArrayBuffer) return new Uint8Array(data)
  if (data instanceof Uint8Array) return data
  if (typeof data === 'string') return new TextEncoder().encode(data)
  throw new Error('Unexpected response body type for a raw file.')
}
