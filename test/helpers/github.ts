import { randomUUID } from 'node:crypto'
import { afterEach, beforeEach } from 'vitest'
import { parseConfig, type Config } from '../../src/config/config.js'
import { createOctokit } from '../../src/github/octokit.js'
import type { Octokit } from '../../src/github/api.js'
import { silentLogger, type Logger } from '../../src/core/log.js'
import type { FileSpec } from '../fakes/git.js'
import { FakeGitHub } from '../fakes/github.js'
import type { PullRequestInfo, Trigger } from '../../src/core/types.js'

export const TOKEN = 'ghs_unit0123456789'
export const REPO = { owner: 'acme', repo: 'photos' }

/**
 * The action's Octokit pointed at a fake that never rate-limits: no write spacing (1 s between
 * writes would only make the tests wait; the e2e tests run the real spacing through dist/).
 */
export function fakeOctokit(github: FakeGitHub, log: Logger = silentLogger): Octokit {
  return createOctokit(TOKEN, log, {
    baseUrl: github.url,
    retryAfterBaseMs: 1,
    retryBaseMs: 1,
    limiterId: randomUUID(),
    throttle: false,
  })
}

/**
 * A FakeGitHub on 127.0.0.1, started before each test of the calling file and closed after it,
 * with an Octokit pointed at it.
 */
export function useFakeGitHub(log: Logger = silentLogger): {
  github: FakeGitHub
  octokit: Octokit
} {
  const context = {} as { github: FakeGitHub; octokit: Octokit }
  beforeEach(async () => {
    context.github = await new FakeGitHub().start()
    context.octokit = fakeOctokit(context.github, log)
  })
  afterEach(async () => {
    await context.github.close()
  })
  return context
}

export interface OpenedPull {
  number: number
  base: string
  head: string
  trigger: Trigger & { kind: 'pull_request' }
}

/**
 * Opens PR #number (7 by default) on the fake's acme/photos: the head applies `changes` (null
 * removes a file) to a base holding `options.base` (a README by default). Returns the trigger the
 * action would parse from the event.
 */
export function openPull(
  github: FakeGitHub,
  changes: Record<string, FileSpec | null>,
  options: { number?: number; changedFiles?: number; base?: Record<string, FileSpec> } = {},
): OpenedPull {
  const base = github.git.commit(options.base ?? { 'README.md': '# photos' })
  const head = github.git.amend(base, changes)
  return setPull(github, options.number ?? 7, base, head, options.changedFiles)
}

/** Pushes `changes` onto an open PR as a new head commit; returns the new trigger. */
export function pushToPull(
  github: FakeGitHub,
  pull: OpenedPull,
  changes: Record<string, FileSpec | null>,
): OpenedPull {
  return setPull(github, pull.number, pull.base, github.git.amend(pull.head, changes))
}

function setPull(
  github: FakeGitHub,
  number: number,
  base: string,
  head: string,
  changedFiles?: number,
): OpenedPull {
  github.pulls.set(number, {
    number,
    base: { ...REPO, sha: base, ref: 'main' },
    head: { ...REPO, sha: head, ref: 'feature' },
  })
  const pr: PullRequestInfo = {
    number,
    baseRepo: REPO,
    headRepo: REPO,
    headSha: head,
    headRef: 'feature',
    baseSha: base,
    changedFiles,
    draft: false,
  }
  return { number, base, head, trigger: { kind: 'pull_request', eventName: 'pull_request', pr } }
}

export function pushTrigger(
  before: string,
  after: string,
  ref = 'main',
  defaultBranch = '',
): Trigger {
  return { kind: 'push', eventName: 'push', repo: REPO, before, after, ref, defaultBranch }
}

/** A workflow_dispatch (or schedule) run at `sha`: no changed files, so every image is audited. */
export function dispatchTrigger(sha: string, eventName = 'workflow_dispatch'): Trigger {
  return { kind: 'other', eventName, repo: REPO, sha, ref: 'main' }
}

/** The action's config from its defaults, with `inputs` overriding (as INPUT_* would). */
export function actionConfig(
  inputs: Record<string, string> = {},
  env: NodeJS.ProcessEnv = {},
): Config {
  const values: Record<string, string> = { 'github-token': TOKEN, backend: 'local', ...inputs }
  return parseConfig((name) => values[name] ?? '', env)
}
