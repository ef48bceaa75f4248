import { GitHub, getOctokitOptions } from '@actions/github/lib/utils'
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
  // Not `@actions/github`'s getOctokit: importing that module parses the event file (see readEvent).
  const WithPlugins = GitHub.plugin(retry, throttling)
  return new WithPlugins(
    getOctokitOptions(token, {
      ...(options.baseUrl === undefined ? {} : { baseUrl: options.baseUrl }),
      throttle: {
        onRateLimit: onLimit('rate limit'),
        onSecondaryRateLimit: onLimit('secondary rate limit'),
        ...(options.retryAfterBaseMs === undefined
          ? {}
          : { retryAfterBaseValue: options.retryAfterBaseMs }),
      },
    }),
  )
}
