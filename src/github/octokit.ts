import { getOctokit } from '@actions/github'
import { retry } from '@octokit/plugin-retry'
import { throttling } from '@octokit/plugin-throttling'
import type { Logger } from '../shared/log.js'
import type { Octokit } from './repo.js'

/** Longest wait for a GitHub rate limit to reset; a longer one fails the request instead. */
export const MAX_RATE_LIMIT_WAIT_SECONDS = 120
/** Retries of one request after rate limits. */
const RATE_LIMIT_RETRIES = 3

export interface OctokitOptions {
  /** Multiplier from GitHub's retry-after seconds to milliseconds (tests shorten the waits). */
  retryAfterBaseMs?: number
  baseUrl?: string
  /**
   * Keys this Octokit's write spacing (1 s between writes, 3 s between comments), which
   * plugin-throttling otherwise shares across the process; tests give each Octokit its own.
   */
  limiterId?: string
}

/**
 * The one Octokit of a run: transient errors are retried (plugin-retry), and primary or secondary
 * rate limits are waited out within a bound (plugin-throttling), with a log line saying so.
 */
export function createOctokit(token: string, log: Logger, options: OctokitOptions = {}): Octokit {
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
  return getOctokit(
    token,
    {
      ...(options.baseUrl === undefined ? {} : { baseUrl: options.baseUrl }),
      throttle: {
        ...(options.limiterId === undefined ? {} : { id: options.limiterId }),
        onRateLimit: onLimit('rate limit'),
        onSecondaryRateLimit: onLimit('secondary rate limit'),
        ...(options.retryAfterBaseMs === undefined
          ? {}
          : { retryAfterBaseValue: options.retryAfterBaseMs }),
      },
    },
    retry,
    throttling,
  )
}
