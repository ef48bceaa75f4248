import { Octokit as OctokitCore } from '@octokit/core'
import { paginateRest } from '@octokit/plugin-paginate-rest'
import { restEndpointMethods } from '@octokit/plugin-rest-endpoint-methods'
import { retry } from '@octokit/plugin-retry'
import { throttling } from '@octokit/plugin-throttling'
import { EnvHttpProxyAgent, fetch } from 'undici'
import type { Logger } from '../core/log.js'
import { GitHubRequestError } from './errors.js'

/**
 * What `@actions/github` builds, plus retry and throttling. Built here from the Octokit packages
 * because `@actions/github` parses the event file when imported, which would turn a malformed
 * event into an uncaught stack trace (see readEvent).
 */
const GitHubClient = OctokitCore.plugin(restEndpointMethods, paginateRest, retry, throttling)
export type Octokit = InstanceType<typeof GitHubClient>

/** Longest wait for a GitHub rate limit to reset; a longer one fails the request instead. */
export const MAX_RATE_LIMIT_WAIT_SECONDS = 120
/** Retries of one request after rate limits. */
const RATE_LIMIT_RETRIES = 3

export interface OctokitOptions {
  /** Default: GITHUB_API_URL, else https://api.github.com (GitHub Enterprise Server sets it). */
  baseUrl?: string
  /** Multiplier from GitHub's retry-after seconds to milliseconds (tests shorten the waits). */
  retryAfterBaseMs?: number
  /**
   * Keys this Octokit's write spacing (1 s between writes, 3 s between comments), which
   * plugin-throttling otherwise shares across the process; tests give each Octokit its own.
   */
  limiterId?: string
  /** Milliseconds per unit of plugin-retry's quadratic backoff (1 s, 4 s, 9 s); tests shorten it. */
  retryBaseMs?: number
  /**
   * False turns plugin-throttling off (no write spacing, no rate-limit waits): for in-process
   * tests against a fake that never limits, where the spacing would only add seconds.
   */
  throttle?: boolean
}

/**
 * The one Octokit of a run: transient errors are retried (plugin-retry), and primary or secondary
 * rate limits are waited out within a bound (plugin-throttling), with a log line saying so. The
 * runner's proxy settings (HTTPS_PROXY, HTTP_PROXY, NO_PROXY) apply as they do for `@actions/github`.
 */
export function createOctokit(token: string, log: Logger, options: OctokitOptions = {}): Octokit {
  const baseUrl = options.baseUrl ?? (process.env.GITHUB_API_URL || 'https://api.github.com')
  const proxied = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'].some(
    (name) => (process.env[name] ?? '') !== '',
  )
  const dispatcher = proxied ? new EnvHttpProxyAgent() : undefined
  const onLimit =
    (kind: string) =>
    (
      retryAfter: number,
      request: { method: string; url: string },
      _octokit: unknown,
      retryCount: number,
    ) => {
      const wait = retryAfter <= MAX_RATE_LIMIT_WAIT_SECONDS && retryCount < RATE_LIMIT_RETRIES
      log.warning(
        wait
          ? `GitHub ${kind} on ${request.method} ${request.url}: waiting ${retryAfter} s, then retrying.`
          : `GitHub ${kind} on ${request.method} ${request.url}: the reset is ${retryAfter} s away, longer than the action waits (${MAX_RATE_LIMIT_WAIT_SECONDS} s).`,
      )
      return wait
    }
  const octokit = new GitHubClient({
    auth: `token ${token}`,
    baseUrl,
    userAgent: 'animate-anyone-check',
    request:
      dispatcher === undefined
        ? {}
        : {
            fetch: (url: string, init: RequestInit) =>
              fetch(url, { ...(init as Parameters<typeof fetch>[1]), dispatcher }),
          },
    throttle: {
      ...(options.throttle === false ? { enabled: false } : {}),
      ...(options.limiterId === undefined ? {} : { id: options.limiterId }),
      onRateLimit: onLimit('rate limit'),
      onSecondaryRateLimit: onLimit('secondary rate limit'),
      ...(options.retryAfterBaseMs === undefined
        ? {}
        : { retryAfterBaseValue: options.retryAfterBaseMs }),
    },
    ...(options.retryBaseMs === undefined
      ? {}
      : { retry: { retryAfterBaseValue: options.retryBaseMs } }),
  })
  // Registered last, so it wraps the retry and throttling plugins and sees the final failure.
  octokit.hook.wrap('request', async (request, requestOptions) => {
    const started = Date.now()
    try {
      return await request(requestOptions)
    } catch (error) {
      // plugin-retry counts the final failure too: 4 after three retries.
      const count = (requestOptions.request as { retryCount?: unknown } | undefined)?.retryCount
      throw new GitHubRequestError(error, {
        method: requestOptions.method,
        url: requestUrlOf(error) ?? requestOptions.url,
        baseUrl,
        retries: typeof count === 'number' ? Math.max(0, count - 1) : 0,
        elapsedMs: Date.now() - started,
      })
    }
  })
  return octokit
}

/** The URL a RequestError was for, with the route's parameters filled in. */
function requestUrlOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('request' in error)) return undefined
  const { request } = error
  if (typeof request !== 'object' || request === null || !('url' in request)) return undefined
  return typeof request.url === 'string' ? request.url : undefined
}
