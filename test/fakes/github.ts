import { isUtf8 } from 'node:buffer'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { FakeGitStore } from './git.js'
import { LoopbackServer, readBody, sendJson } from './http.js'
import {
  commitJson,
  simpleUser,
  type GitBlob,
  type CheckRun,
  type Commit,
  type ContentFile,
  type CommitComparison,
  type DiffEntry,
  type GitTree,
  type IssueComment,
} from './shapes.js'

export interface FakeComment {
  id: number
  body: string
  user: { login: string; id: number; type: 'Bot' | 'User' }
  created_at: string
  updated_at: string
}

type ChangedFile = { filename: string; sha: string; status: string }

export interface FakePull {
  number: number
  base: { owner: string; repo: string; sha: string; ref: string }
  head: { owner: string; repo: string; sha: string; ref: string }
}

/** An answer the fake gives instead of the real one, `times` times, to requests that match. */
export interface FakeFault {
  method: string
  path: RegExp
  times: number
  status: number
  headers?: Record<string, string>
  message: string
}

/** A check run as the fake holds it: what was created, with every annotation sent since. */
export interface FakeCheckRun {
  id: number
  name: string
  head_sha: string
  status: string
  conclusion: string | null
  output: { title: string; summary: string }
  annotations: Record<string, unknown>[]
}

interface CheckRunBody {
  name?: string
  head_sha?: string
  status?: string
  conclusion?: string
  output?: { title?: string; summary?: string; annotations?: Record<string, unknown>[] }
}

export interface LoggedRequest {
  method: string
  path: string
  query: URLSearchParams
}

const BOT = { login: 'github-actions[bot]', id: 41898282, type: 'Bot' as const }

/** `application/vnd.github.raw`, `…raw+json`, `…v3.raw`: the bytes themselves instead of JSON. */
const RAW_MEDIA_TYPE = /application\/vnd\.github(\.v3)?\.raw(\+json)?\b/i

/** Base64 as GitHub writes it in `content`: lines of 60 characters, each ending in a newline. */
function base64Lines(content: Buffer): string {
  return (content.toString('base64').match(/.{1,60}/g) ?? []).map((line) => `${line}\n`).join('')
}

/**
 * A raw answer as GitHub sends it: `charset=utf-8` on both, text as the raw media type, binary
 * as application/octet-stream (which Octokit reads as bytes; octokit/request.js#751, #823).
 */
function sendRaw(res: ServerResponse, content: Buffer): void {
  const text = isUtf8(content) && !content.includes(0)
  res.writeHead(200, {
    'content-type': `${text ? 'application/vnd.github.raw' : 'application/octet-stream'}; charset=utf-8`,
    'content-length': String(content.length),
  })
  res.end(content)
}

/**
 * A fake GitHub REST API on 127.0.0.1 with the response shapes of the real one (pagination Link
 * headers, the 3,000-file cap of the PR files API, the 300-file cap of compare, truncated trees).
 */
export class FakeGitHub extends LoopbackServer {
  readonly git = new FakeGitStore()
  readonly pulls = new Map<number, FakePull>()
  /** Branch name → head commit, for comparisons that name a branch. */
  readonly branches = new Map<string, string>()
  readonly comments = new Map<number, FakeComment[]>()
  readonly requests: LoggedRequest[] = []
  /** Recursive tree listings with more entries than this come back truncated (and cut). */
  truncateTreesAbove = 100_000
  /** Status for comment creation/editing, e.g. 403 for a fork's read-only token. */
  commentWriteStatus: number | undefined
  /** Status for check-run creation and updates, e.g. 403 for a token without `checks: write`. */
  checkRunWriteStatus: number | undefined
  readonly checkRuns: FakeCheckRun[] = []
  /** Login for GET /user; undefined answers 403 as for the GITHUB_TOKEN. */
  tokenLogin: string | undefined
  /** Scripted failures (rate limits, races), consumed in order. */
  readonly faults: FakeFault[] = []
  private nextCommentId = 1000

  count(method: string, pattern: RegExp): number {
    return this.requests.filter((r) => r.method === method && pattern.test(r.path)).length
  }

  addComment(issue: number, body: string, user: FakeComment['user'] = BOT): FakeComment {
    const now = new Date().toISOString()
    const comment = { id: this.nextCommentId++, body, user, created_at: now, updated_at: now }
    this.comments.set(issue, [...(this.comments.get(issue) ?? []), comment])
    return comment
  }

  private paginate(res: ServerResponse, items: unknown[], url: URL): void {
    const perPage = Math.min(100, Number(url.searchParams.get('per_page') ?? 30))
    const page = Number(url.searchParams.get('page') ?? 1)
    const last = Math.max(1, Math.ceil(items.length / perPage))
    const link = (p: number, rel: string) => {
      const next = new URL(url)
      next.searchParams.set('page', String(p))
      next.searchParams.set('per_page', String(perPage))
      return `<${this.url}${next.pathname}${next.search}>; rel="${rel}"`
    }
    const links = []
    if (page < last) links.push(link(page + 1, 'next'), link(last, 'last'))
    if (page > 1) links.push(link(1, 'first'), link(page - 1, 'prev'))
    sendJson(
      res,
      200,
      items.slice((page - 1) * perPage, page * perPage),
      links.length > 0 ? { link: links.join(', ') } : {},
    )
  }

  private fileJson(owner: string, repo: string, file: ChangedFile): DiffEntry {
    return {
      sha: file.sha,
      filename: file.filename,
      status: file.status as DiffEntry['status'],
      additions: 0,
      deletions: 0,
      changes: 0,
      blob_url: `https://github.com/${owner}/${repo}/blob/${file.sha}/${file.filename}`,
      raw_url: `https://github.com/${owner}/${repo}/raw/${file.sha}/${file.filename}`,
      contents_url: `${this.url}/repos/${owner}/${repo}/contents/${file.filename}?ref=${file.sha}`,
    }
  }

  private commentJson(
    owner: string,
    repo: string,
    issue: number,
    comment: FakeComment,
  ): IssueComment {
    return {
      ...comment,
      user: simpleUser(comment.user.login, comment.user.id, comment.user.type),
      url: `${this.url}/repos/${owner}/${repo}/issues/comments/${comment.id}`,
      html_url: `https://github.com/${owner}/${repo}/pull/${issue}#issuecomment-${comment.id}`,
      issue_url: `${this.url}/repos/${owner}/${repo}/issues/${issue}`,
      node_id: `IC_${comment.id}`,
      author_association: comment.user.type === 'Bot' ? 'NONE' : 'CONTRIBUTOR',
    }
  }

  private checkRunJson(owner: string, repo: string, run: FakeCheckRun): CheckRun {
    const api = `${this.url}/repos/${owner}/${repo}/check-runs/${run.id}`
    return {
      id: run.id,
      head_sha: run.head_sha,
      node_id: `CR_${run.id}`,
      external_id: null,
      url: api,
      html_url: `https://github.com/${owner}/${repo}/runs/${run.id}`,
      details_url: null,
      status: run.status as CheckRun['status'],
      conclusion: run.conclusion as CheckRun['conclusion'],
      started_at: '2026-11-25T00:00:00Z',
      completed_at: run.status === 'completed' ? '2026-11-25T00:00:01Z' : null,
      output: {
        ...run.output,
        text: null,
        annotations_count: run.annotations.length,
        annotations_url: `${api}/annotations`,
      },
      name: run.name,
      check_suite: { id: 7000 },
      app: null,
      pull_requests: [],
    }
  }

  private commitOf(owner: string, repo: string, sha: string, files?: DiffEntry[]): Commit {
    const commit = this.git.commits.get(sha)
    return commitJson(
      this.url,
      `${owner}/${repo}`,
      sha,
      commit?.tree ?? '',
      commit?.parents ?? [],
      files,
    )
  }

  private comparisonUrls(owner: string, repo: string, base: string, head: string) {
    const html = `https://github.com/${owner}/${repo}/compare/${base}...${head}`
    return {
      url: `${this.url}/repos/${owner}/${repo}/compare/${base}...${head}`,
      html_url: html,
      permalink_url: html,
      diff_url: `${html}.diff`,
      patch_url: `${html}.patch`,
    }
  }

  private treeOf(sha: string) {
    const commit = this.git.commits.get(sha)
    return this.git.trees.get(commit?.tree ?? sha)
  }

  protected async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url)
    const method = req.method ?? 'GET'
    const path = decodeURIComponent(url.pathname)
    this.requests.push({ method, path, query: url.searchParams })
    const body = method === 'POST' || method === 'PATCH' ? await readBody(req) : Buffer.alloc(0)
    const fault = this.faults.find((f) => f.times > 0 && f.method === method && f.path.test(path))
    if (fault !== undefined) {
      fault.times--
      return sendJson(
        res,
        fault.status,
        { message: fault.message, documentation_url: 'https://docs.github.com/rest' },
        fault.headers ?? {},
      )
    }
    let match: RegExpExecArray | null

    if (method === 'GET' && path === '/user') {
      if (this.tokenLogin === undefined) {
        sendJson(res, 403, {
          message: 'Resource not accessible by integration',
          documentation_url: 'https://docs.github.com/rest/users/users#get-the-authenticated-user',
          status: '403',
        })
      } else {
        sendJson(res, 200, simpleUser(this.tokenLogin, 1, 'User'))
      }
      return
    }

    if (
      (match = /^\/repos\/([^/]+)\/([^/]+)\/pulls\/(\d+)\/files$/.exec(path)) &&
      method === 'GET'
    ) {
      const [, owner = '', repo = ''] = match
      const pull = this.pulls.get(Number(match[3]))
      if (pull === undefined) return sendJson(res, 404, { message: 'Not Found' })
      const files = this.git.diff(pull.base.sha, pull.head.sha).slice(0, 3000)
      this.paginate(
        res,
        files.map((f) => this.fileJson(owner, repo, f)),
        url,
      )
      return
    }

    if ((match = /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/.exec(path))) {
      const [, owner = '', repo = ''] = match
      const issue = Number(match[3])
      if (method === 'GET') {
        this.paginate(
          res,
          (this.comments.get(issue) ?? []).map((c) => this.commentJson(owner, repo, issue, c)),
          url,
        )
        return
      }
      if (method === 'POST') {
        if (this.commentWriteStatus !== undefined) {
          return sendJson(res, this.commentWriteStatus, {
            message: 'Resource not accessible by integration',
            status: String(this.commentWriteStatus),
          })
        }
        const { body: text } = JSON.parse(body.toString('utf8')) as { body: string }
        const comment = this.addComment(issue, text)
        sendJson(res, 201, this.commentJson(owner, repo, issue, comment))
        return
      }
    }

    if (
      (match = /^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)$/.exec(path)) &&
      method === 'PATCH'
    ) {
      const [, owner = '', repo = ''] = match
      if (this.commentWriteStatus !== undefined) {
        return sendJson(res, this.commentWriteStatus, {
          message: 'Resource not accessible by integration',
        })
      }
      const id = Number(match[3])
      for (const [issue, list] of this.comments) {
        const comment = list.find((c) => c.id === id)
        if (comment !== undefined) {
          comment.body = (JSON.parse(body.toString('utf8')) as { body: string }).body
          comment.updated_at = new Date().toISOString()
          return sendJson(res, 200, this.commentJson(owner, repo, issue, comment))
        }
      }
      return sendJson(res, 404, { message: 'Not Found' })
    }

    if ((match = /^\/repos\/([^/]+)\/([^/]+)\/check-runs(?:\/(\d+))?$/.exec(path))) {
      const [, owner = '', repo = '', id] = match
      if (method === 'POST' && id === undefined) {
        if (this.checkRunWriteStatus !== undefined)
          return sendJson(res, this.checkRunWriteStatus, {
            message: 'Resource not accessible by integration',
            documentation_url: 'https://docs.github.com/rest/checks/runs#create-a-check-run',
            status: String(this.checkRunWriteStatus),
          })
        const sent = JSON.parse(body.toString('utf8')) as CheckRunBody
        const annotations = sent.output?.annotations ?? []
        if (sent.name === undefined || sent.head_sha === undefined || annotations.length > 50)
          return sendJson(res, 422, { message: 'Invalid request.' })
        const run: FakeCheckRun = {
          id: 5000 + this.checkRuns.length,
          name: sent.name,
          head_sha: sent.head_sha,
          status: sent.status ?? 'queued',
          conclusion: sent.conclusion ?? null,
          output: { title: sent.output?.title ?? '', summary: sent.output?.summary ?? '' },
          annotations: [...annotations],
        }
        this.checkRuns.push(run)
        return sendJson(res, 201, this.checkRunJson(owner, repo, run))
      }
      if (method === 'PATCH' && id !== undefined) {
        if (this.checkRunWriteStatus !== undefined)
          return sendJson(res, this.checkRunWriteStatus, {
            message: 'Resource not accessible by integration',
          })
        const run = this.checkRuns.find((r) => r.id === Number(id))
        if (run === undefined) return sendJson(res, 404, { message: 'Not Found' })
        const sent = JSON.parse(body.toString('utf8')) as CheckRunBody
        const annotations = sent.output?.annotations ?? []
        // GitHub requires title and summary with any output, and takes 50 annotations at most.
        if (
          sent.output !== undefined &&
          (sent.output.title === undefined ||
            sent.output.summary === undefined ||
            annotations.length > 50)
        )
          return sendJson(res, 422, { message: 'Invalid request.' })
        if (sent.output?.title !== undefined) run.output.title = sent.output.title
        if (sent.output?.summary !== undefined) run.output.summary = sent.output.summary
        run.annotations.push(...annotations)
        return sendJson(res, 200, this.checkRunJson(owner, repo, run))
      }
    }

    if (
      (match = /^\/repos\/([^/]+)\/([^/]+)\/git\/trees\/([^/]+)$/.exec(path)) &&
      method === 'GET'
    ) {
      const tree = this.treeOf(match[3] ?? '')
      if (tree === undefined) return sendJson(res, 404, { message: 'Not Found' })
      const entries: GitTree['tree'] = []
      const walk = (t: NonNullable<typeof tree>, prefix: string, recursive: boolean) => {
        for (const [name, entry] of t.entries) {
          const p = prefix === '' ? name : `${prefix}/${name}`
          entries.push({
            path: p,
            mode: entry.mode,
            type: entry.type,
            sha: entry.sha,
            ...(entry.size === undefined ? {} : { size: entry.size }),
            url: `${this.url}/repos/${match?.[1] ?? ''}/${match?.[2] ?? ''}/git/${entry.type === 'tree' ? 'trees' : 'blobs'}/${entry.sha}`,
          })
          const child = entry.type === 'tree' ? this.git.trees.get(entry.sha) : undefined
          if (recursive && child !== undefined) walk(child, p, true)
        }
      }
      const recursive = url.searchParams.has('recursive')
      walk(tree, '', recursive)
      const truncated = recursive && entries.length > this.truncateTreesAbove
      sendJson(res, 200, {
        sha: tree.sha,
        url: `${this.url}${path}`,
        tree: truncated ? entries.slice(0, this.truncateTreesAbove) : entries,
        truncated,
      } satisfies GitTree)
      return
    }

    if (
      (match = /^\/repos\/([^/]+)\/([^/]+)\/git\/blobs\/([0-9a-f]+)$/.exec(path)) &&
      method === 'GET'
    ) {
      const [, owner = '', repo = '', sha = ''] = match
      const blob = this.git.blobs.get(sha)
      if (blob === undefined) return sendJson(res, 404, { message: 'Not Found' })
      if (RAW_MEDIA_TYPE.test(req.headers.accept ?? '')) return sendRaw(res, blob)
      sendJson(res, 200, {
        sha,
        node_id: `B_${sha.slice(0, 10)}`,
        size: blob.length,
        url: `${this.url}/repos/${owner}/${repo}/git/blobs/${sha}`,
        content: base64Lines(blob),
        encoding: 'base64',
      } satisfies GitBlob)
      return
    }

    if ((match = /^\/repos\/([^/]+)\/([^/]+)\/contents\/(.+)$/.exec(path)) && method === 'GET') {
      const [, owner = '', repo = '', filePath = ''] = match
      const ref = url.searchParams.get('ref') ?? ''
      const file = this.git.commits.get(ref)?.files.get(filePath)
      if (file === undefined) return sendJson(res, 404, { message: 'Not Found' })
      if (RAW_MEDIA_TYPE.test(req.headers.accept ?? '')) return sendRaw(res, file.content)
      const api = `${this.url}/repos/${owner}/${repo}`
      const html = `https://github.com/${owner}/${repo}/blob/${ref}/${filePath}`
      const git = `${api}/git/blobs/${file.sha}`
      const self = `${api}/contents/${filePath}?ref=${ref}`
      sendJson(res, 200, {
        type: 'file',
        encoding: 'base64',
        size: file.content.length,
        name: filePath.split('/').pop() ?? filePath,
        path: filePath,
        content: base64Lines(file.content),
        sha: file.sha,
        url: self,
        git_url: git,
        html_url: html,
        download_url: `https://raw.githubusercontent.com/${owner}/${repo}/${ref}/${filePath}`,
        _links: { git, html, self },
      } satisfies ContentFile)
      return
    }

    if (
      (match = /^\/repos\/([^/]+)\/([^/]+)\/compare\/([^.]+)\.\.\.([0-9a-f]+)$/.exec(path)) &&
      method === 'GET'
    ) {
      const [, owner = '', repo = '', baseRef = '', head = ''] = match
      // GitHub takes a branch name as the base too.
      const base = this.branches.get(decodeURIComponent(baseRef)) ?? baseRef
      if (!this.git.commits.has(base) || !this.git.commits.has(head))
        return sendJson(res, 404, { message: 'Not Found' })
      const files = this.git.diff(base, head)
      sendJson(res, 200, {
        ...this.comparisonUrls(owner, repo, base, head),
        status: 'ahead',
        merge_base_commit: this.commitOf(owner, repo, base),
        base_commit: this.commitOf(owner, repo, base),
        ahead_by: 1,
        behind_by: 0,
        total_commits: 1,
        commits: [this.commitOf(owner, repo, head)],
        files: files.slice(0, 300).map((f) => this.fileJson(owner, repo, f)),
      } satisfies CommitComparison)
      return
    }

    if (
      (match = /^\/repos\/([^/]+)\/([^/]+)\/commits\/([0-9a-f]+)$/.exec(path)) &&
      method === 'GET'
    ) {
      const [, owner = '', repo = '', sha = ''] = match
      const commit = this.git.commits.get(sha)
      if (commit === undefined) return sendJson(res, 422, { message: 'No commit found for SHA' })
      const files = this.git.diff(commit.parents[0], sha).slice(0, 3000)
      const perPage = Number(url.searchParams.get('per_page') ?? 300)
      const page = Number(url.searchParams.get('page') ?? 1)
      const pageFiles = files.slice((page - 1) * perPage, page * perPage)
      sendJson(
        res,
        200,
        this.commitOf(
          owner,
          repo,
          sha,
          pageFiles.map((f) => this.fileJson(owner, repo, f)),
        ),
      )
      return
    }

    sendJson(res, 404, { message: `Not Found (fake has no ${method} ${path})` })
  }
}
