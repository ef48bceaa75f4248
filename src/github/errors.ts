import { errorMessage, httpStatusOf } from '../core/errors.js'
import { safeText } from '../core/untrusted.js'

interface ResponseHeaders {
  'x-ratelimit-remaining'?: string
  'retry-after'?: string
}

function headersOf(error: unknown): ResponseHeaders {
  if (typeof error !== 'object' || error === null || !('response' in error)) return {}
  const { response } = error
  if (typeof response !== 'object' || response === null || !('headers' in response)) return {}
  const { headers } = response
  return typeof headers === 'object' && headers !== null ? headers : {}
}

/** A 403 or 429 that is GitHub's rate limit (primary or secondary), not a missing permission. */
function rateLimited(error: unknown, status: number | undefined, message: string): boolean {
  if (status !== 403 && status !== 429) return false
  const headers = headersOf(error)
  return (
    headers['x-ratelimit-remaining'] === '0' ||
    headers['retry-after'] !== undefined ||
    /rate limit/i.test(message)
  )
}

/**
 * A GitHub API failure worded by its real cause: a rate limit (primary or secondary) is not a
 * read-only token, and a read-only token (forks) is not a bug.
 */
export function describeGitHubError(error: unknown): string {
  // Already worded by the request hook: method, route, status and the fix.
  if (error instanceof GitHubRequestError) return error.message.replace(/\.$/, '')
  const status = httpStatusOf(error)
  const message = safeText(errorMessage(error))
  if (rateLimited(error, status, message)) {
    return `GitHub's API rate limit was still exceeded after waiting (HTTP ${status}: ${message})`
  }
  if (status === 403) {
    return `the token may not write here: HTTP 403 ${message} (pull requests from forks get a read-only token; see "Permissions" in the README)`
  }
  return status === undefined ? message : `HTTP ${status}: ${message}`
}

/** What one failed GitHub request was, as the Octokit hook saw it. */
export interface GitHubRequestContext {
  method: string
  /** The request's URL (the API base and the route with its parameters filled in). */
  url: string
  /** GITHUB_API_URL or its default, named in the fix for a network failure. */
  baseUrl: string
  /** Retries made before giving up (plugin-retry's count) and the milliseconds they took. */
  retries: number
  elapsedMs: number
}

/**
 * A failed GitHub API request that says which request it was, what GitHub answered and what to
 * change. Keeps `status`, `response` and `request` of Octokit's RequestError, so callers that
 * treat a 404 as "gone" still can.
 */
export class GitHubRequestError extends Error {
  override name = 'GitHubRequestError'
  readonly status: number | undefined
  readonly response: unknown
  readonly request: unknown
  constructor(error: unknown, context: GitHubRequestContext) {
    super(githubFailureMessage(error, context), { cause: error })
    this.status = responseOf(error) === undefined ? undefined : httpStatusOf(error)
    const fields = typeof error === 'object' && error !== null ? error : {}
    this.response = 'response' in fields ? fields.response : undefined
    this.request = 'request' in fields ? fields.request : undefined
  }
}

function responseOf(error: unknown): unknown {
  if (typeof error !== 'object' || error === null || !('response' in error)) return undefined
  return error.response ?? undefined
}

/** `GET /repos/acme/photos/pulls/7/files`: the API base and the query left out. */
function requestLine(method: string, url: string, baseUrl: string): string {
  let path = url
  try {
    const parsed = new URL(url)
    const base = new URL(baseUrl)
    path =
      parsed.origin === base.origin && parsed.pathname.startsWith(base.pathname.replace(/\/$/, ''))
        ? parsed.pathname.slice(base.pathname.replace(/\/$/, '').length)
        : `${parsed.origin}${parsed.pathname}`
  } catch {
    // A URL that does not parse is shown as it came.
  }
  return safeText(`${method.toUpperCase()} ${path}`)
}

/** The permission a request needs, from its method and route, for the 403 fix. */
export function permissionFor(method: string, path: string): string {
  const write = !['GET', 'HEAD'].includes(method.toUpperCase())
  if (path.includes('/check-runs')) return write ? 'checks: write' : 'checks: read'
  if (path.includes('/comments')) return write ? 'pull-requests: write' : 'pull-requests: read'
  if (/\/pulls(\/|$)/.test(path)) return write ? 'pull-requests: write' : 'pull-requests: read'
  return write ? 'contents: write' : 'contents: read'
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`
}

function githubFailureMessage(error: unknown, context: GitHubRequestContext): string {
  const request = requestLine(context.method, context.url, context.baseUrl)
  const path = request.slice(request.indexOf(' ') + 1)
  // Octokit appends the documentation URL (" - https://docs.github.com/rest"), which helps no one.
  const message = safeText(errorMessage(error).replace(/ - https:\/\/docs\.github\.com\S*$/, ''))
  const retried =
    context.retries > 0
      ? ` after ${context.retries} ${context.retries === 1 ? 'retry' : 'retries'} over ${seconds(context.elapsedMs)}`
      : ''
  if (responseOf(error) === undefined) {
    return `GitHub API ${request} could not reach ${safeText(context.baseUrl)}${retried}: ${message}. Check GITHUB_API_URL (the API of your GitHub or GitHub Enterprise Server) and the runner's network or proxy (HTTPS_PROXY, NO_PROXY).`
  }
  const status = httpStatusOf(error) ?? 0
  const answered = `GitHub API ${request} failed: HTTP ${status} ${message}`
  if (rateLimited(error, status, message)) {
    return `${answered}. GitHub's rate limit was still exceeded after waiting: run again later, or use a token with a higher limit (a GitHub App's).`
  }
  switch (status) {
    case 401:
      return `${answered}. The token was refused: github-token is expired, revoked or not a token (leave it at its default, \${{ github.token }}, or pass a valid one from a secret).`
    case 403:
      return `${answered}. The token lacks a permission: give the job \`permissions: ${permissionFor(context.method, path)}\` (pull requests from forks always get a read-only token; see "Permissions and troubleshooting" in the README).`
    case 404:
      return `${answered}. Either this does not exist or the token cannot see it: check the repository name, the token's scope (a fine-grained or App token must include this repository) and that the job has \`permissions: contents: read\`.`
    case 422:
      return `${answered}. GitHub refused the request's content (a commit or ref that no longer exists?).`
    default:
      return status >= 500
        ? `${answered}${retried}. GitHub had an error; run again later (https://www.githubstatus.com).`
        : `${answered}.`
  }
}
