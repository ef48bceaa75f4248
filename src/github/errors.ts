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

/**
 * A GitHub API failure worded by its real cause: a rate limit (primary or secondary) is not a
 * read-only token, and a read-only token (forks) is not a bug.
 */
export function describeGitHubError(error: unknown): string {
  const status = httpStatusOf(error)
  const message = safeText(errorMessage(error))
  const headers = headersOf(error)
  const limited =
    headers['x-ratelimit-remaining'] === '0' ||
    headers['retry-after'] !== undefined ||
    /rate limit/i.test(message)
  if ((status === 403 || status === 429) && limited) {
    return `GitHub's API rate limit was still exceeded after waiting (HTTP ${status}: ${message})`
  }
  if (status === 403) {
    return `the token may not write here: HTTP 403 ${message} (pull requests from forks get a read-only token; see "Permissions" in the README)`
  }
  return status === undefined ? message : `HTTP ${status}: ${message}`
}
