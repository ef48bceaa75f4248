import { createHash } from 'node:crypto'

/** The git blob sha of some content: sha1 of `blob <size>\0` + bytes. */
export function blobSha(content: Buffer): string {
  return createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex')
}

export interface FakeBlob {
  sha: string
  mode: '100644' | '100755' | '120000' | '160000'
  content: Buffer
}

export interface FakeTree {
  sha: string
  /** Child name → entry. */
  entries: Map<
    string,
    { type: 'blob' | 'tree' | 'commit'; sha: string; mode: string; size?: number }
  >
}

export interface FakeCommit {
  sha: string
  tree: string
  parents: string[]
  /** Flat path → blob. */
  files: Map<string, FakeBlob>
}

export type FileSpec =
  string | Buffer | { content?: string | Buffer; mode?: FakeBlob['mode']; sha?: string }

/**
 * An in-memory object store shaped like git: content-addressed blobs, trees with stable shas (so
 * unchanged subtrees keep their sha between commits) and commits.
 */
export class FakeGitStore {
  readonly blobs = new Map<string, Buffer>()
  readonly trees = new Map<string, FakeTree>()
  readonly commits = new Map<string, FakeCommit>()
  private counter = 0

  commit(files: Record<string, FileSpec>, parents: string[] = []): string {
    const flat = new Map<string, FakeBlob>()
    for (const [path, spec] of Object.entries(files)) {
      const normalized =
        typeof spec === 'string' || Buffer.isBuffer(spec) ? { content: spec } : spec
      const content = Buffer.from(normalized.content ?? '')
      const mode = normalized.mode ?? '100644'
      const sha = normalized.sha ?? blobSha(content)
      if (mode !== '160000') this.blobs.set(sha, content)
      flat.set(path, { sha, mode, content })
    }
    const tree = this.buildTree(flat, '')
    const sha = createHash('sha1')
      .update(`commit ${tree} ${parents.join(',')} ${this.counter++}`)
      .digest('hex')
    this.commits.set(sha, { sha, tree, parents, files: flat })
    return sha
  }

  /** A commit derived from another: files set (or removed with null). */
  amend(parent: string, changes: Record<string, FileSpec | null>): string {
    const base = this.commits.get(parent)
    if (base === undefined) throw new Error(`no commit ${parent}`)
    const files: Record<string, FileSpec> = {}
    for (const [path, blob] of base.files)
      files[path] = { content: blob.content, mode: blob.mode, sha: blob.sha }
    for (const [path, spec] of Object.entries(changes)) if (spec !== null) files[path] = spec
    const removed = new Set(Object.keys(changes).filter((path) => changes[path] === null))
    return this.commit(
      Object.fromEntries(Object.entries(files).filter(([path]) => !removed.has(path))),
      [parent],
    )
  }

  private buildTree(files: Map<string, FakeBlob>, prefix: string): string {
    const children = new Map<string, Map<string, FakeBlob>>()
    const entries: FakeTree['entries'] = new Map()
    for (const [path, blob] of files) {
      const rest = prefix === '' ? path : path.slice(prefix.length + 1)
      const slash = rest.indexOf('/')
      if (slash < 0) {
        entries.set(rest, {
          type: blob.mode === '160000' ? 'commit' : 'blob',
          sha: blob.sha,
          mode: blob.mode,
          ...(blob.mode === '160000' ? {} : { size: blob.content.length }),
        })
      } else {
        const name = rest.slice(0, slash)
        const child = children.get(name) ?? new Map<string, FakeBlob>()
        child.set(path, blob)
        children.set(name, child)
      }
    }
    for (const [name, childFiles] of children) {
      const childPrefix = prefix === '' ? name : `${prefix}/${name}`
      entries.set(name, {
        type: 'tree',
        sha: this.buildTree(childFiles, childPrefix),
        mode: '040000',
      })
    }
    const listing = [...entries].sort(([a], [b]) => (a < b ? -1 : 1))
    const sha = createHash('sha1')
      .update(`tree ${listing.map(([name, e]) => `${e.mode} ${name} ${e.sha}`).join('\n')}`)
      .digest('hex')
    this.trees.set(sha, { sha, entries: new Map(listing) })
    return sha
  }

  /** Changed files between two commits, as the files/compare APIs list them. */
  diff(
    base: string | undefined,
    head: string,
  ): { filename: string; sha: string; status: string }[] {
    const before =
      base === undefined
        ? new Map<string, FakeBlob>()
        : (this.commits.get(base)?.files ?? new Map<string, FakeBlob>())
    const after = this.commits.get(head)?.files
    if (after === undefined) throw new Error(`no commit ${head}`)
    const changed: { filename: string; sha: string; status: string }[] = []
    for (const [path, blob] of after) {
      const old = before.get(path)
      if (old === undefined) changed.push({ filename: path, sha: blob.sha, status: 'added' })
      else if (old.sha !== blob.sha)
        changed.push({ filename: path, sha: blob.sha, status: 'modified' })
    }
    for (const [path, blob] of before) {
      if (!after.has(path)) changed.push({ filename: path, sha: blob.sha, status: 'removed' })
    }
    return changed.sort((a, b) => (a.filename < b.filename ? -1 : 1))
  }
}
