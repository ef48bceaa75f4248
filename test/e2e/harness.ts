import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { createRequire } from 'node:module'
import { join, resolve } from 'node:path'
import { parse } from 'yaml'
import type { FakeGitHub } from '../fakes/github.js'
import type { FileSpec } from '../fakes/git.js'

export const ROOT = resolve(import.meta.dirname, '../..')
export const DIST = join(ROOT, 'dist/index.js')
export const TOKEN = 'ghs_faketoken0123456789'

interface ActionYaml {
  inputs: Record<string, { default?: string }>
}

/** The inputs a runner would pass: action.yml defaults, with the job token filled in. */
export async function defaultInputs(): Promise<Record<string, string>> {
  const action = parse(await readFile(join(ROOT, 'action.yml'), 'utf8')) as ActionYaml
  const inputs: Record<string, string> = {}
  for (const [name, spec] of Object.entries(action.inputs)) {
    inputs[name] = (spec.default ?? '').replace('${{ github.token }}', TOKEN)
  }
  return inputs
}

export interface ActionRun {
  exitCode: number | null
  stdout: string
  stderr: string
  outputs: Record<string, string>
  summary: string
  /**
   * Every byte the action wrote (stdout, stderr, outputs, summary) except the `::add-mask::`
   * commands, which hand secrets to the runner so that it masks them.
   */
  everything: string
  masked: string[]
}

/** Parses GITHUB_OUTPUT as @actions/core writes it: `name<<delimiter` … `delimiter`. */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const match = /^([^<]+)<<(.+)$/.exec(lines[i] ?? '')
    if (match === null) continue
    const [, name = '', delimiter] = match
    const value: string[] = []
    for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i] ?? '')
    outputs[name] = value.join('\n')
  }
  return outputs
}

export interface RunOptions {
  eventName: string
  /** The event; a string is written to the event file as it is (a malformed file, say). */
  payload: object | string
  repository: string
  sha?: string
  ref?: string
  apiUrl: string
  inputs?: Record<string, string>
  env?: Record<string, string>
  timeoutMs?: number
}

/** Runs dist/index.js as a runner does: event file, INPUT_* variables, output and summary files. */
export async function runAction(options: RunOptions): Promise<ActionRun> {
  const dir = await mkdtemp(join(tmpdir(), 'aa-check-e2e-'))
  try {
    const eventPath = join(dir, 'event.json')
    const outputPath = join(dir, 'output')
    const summaryPath = join(dir, 'summary.md')
    await writeFile(
      eventPath,
      typeof options.payload === 'string' ? options.payload : JSON.stringify(options.payload),
    )
    await writeFile(outputPath, '')
    await writeFile(summaryPath, '')
    const inputs = { ...(await defaultInputs()), ...options.inputs }
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      HOME: dir,
      CI: 'true',
      GITHUB_ACTIONS: 'true',
      GITHUB_EVENT_NAME: options.eventName,
      GITHUB_EVENT_PATH: eventPath,
      GITHUB_REPOSITORY: options.repository,
      GITHUB_API_URL: options.apiUrl,
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_GRAPHQL_URL: `${options.apiUrl}/graphql`,
      GITHUB_SHA: options.sha ?? '',
      GITHUB_REF: options.ref ?? '',
      GITHUB_WORKSPACE: dir,
      GITHUB_OUTPUT: outputPath,
      GITHUB_STEP_SUMMARY: summaryPath,
      RUNNER_TEMP: dir,
      ...options.env,
    }
    for (const [name, value] of Object.entries(inputs)) {
      env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value
    }
    const child = spawn(process.execPath, [DIST], {
      env,
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const exitCode = await new Promise<number | null>((resolveExit, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL')
        reject(
          new Error(
            `action did not finish in ${options.timeoutMs ?? 60_000} ms\n${stdout}\n${stderr}`,
          ),
        )
      }, options.timeoutMs ?? 60_000)
      child.on('close', (code) => {
        clearTimeout(timer)
        resolveExit(code)
      })
    })
    const outputText = await readFile(outputPath, 'utf8')
    const summary = await readFile(summaryPath, 'utf8')
    return {
      exitCode,
      stdout,
      stderr,
      outputs: parseOutputFile(outputText),
      summary,
      everything: [stdout.replace(/^::add-mask::.*$/gm, ''), stderr, outputText, summary].join(
        '\n',
      ),
      masked: [...stdout.matchAll(/^::add-mask::(.*)$/gm)].map((m) => m[1] ?? ''),
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

export interface PullPayloadOptions {
  number: number
  base: { owner: string; repo: string; sha: string; ref?: string }
  head: { owner: string; repo: string; sha: string; ref?: string }
  changedFiles?: number
  action?: string
}

interface WebhookExamples {
  name: string
  examples: Record<string, unknown>[]
}

/** A real webhook payload from @octokit/webhooks-examples, deep-copied. */
function example(event: string, action?: string): Record<string, unknown> {
  const require = createRequire(import.meta.url)
  const all = require('@octokit/webhooks-examples') as WebhookExamples[]
  const found = all
    .find((e) => e.name === event)
    ?.examples.find((e) => action === undefined || e.action === action)
  if (found === undefined) throw new Error(`no ${event} ${action ?? ''} example`)
  return structuredClone(found)
}

type Json = Record<string, unknown>
const at = (value: unknown, key: string): Json => (value as Json)[key] as Json

/** A repository object of the real payload, renamed to owner/repo. */
function renamed(template: Json, owner: string, repo: string, fork: boolean): Json {
  return {
    ...template,
    name: repo,
    full_name: `${owner}/${repo}`,
    fork,
    owner: { ...at(template, 'owner'), login: owner },
    html_url: `https://github.com/${owner}/${repo}`,
  }
}

/**
 * A pull_request `synchronize` payload: GitHub's own example from @octokit/webhooks-examples with
 * the number, repositories, commits and file count of the test.
 */
export function pullRequestPayload(options: PullPayloadOptions): object {
  const payload = example('pull_request', 'synchronize')
  const pr = at(payload, 'pull_request')
  const fork = options.base.owner !== options.head.owner || options.base.repo !== options.head.repo
  const baseRepo = renamed(at(payload, 'repository'), options.base.owner, options.base.repo, false)
  const headRepo = renamed(at(payload, 'repository'), options.head.owner, options.head.repo, fork)
  payload.action = options.action ?? 'synchronize'
  payload.number = options.number
  payload.repository = baseRepo
  payload.pull_request = {
    ...pr,
    number: options.number,
    changed_files: options.changedFiles,
    head: {
      ...at(pr, 'head'),
      ref: options.head.ref ?? 'feature',
      sha: options.head.sha,
      repo: headRepo,
      label: `${options.head.owner}:${options.head.ref ?? 'feature'}`,
    },
    base: {
      ...at(pr, 'base'),
      ref: options.base.ref ?? 'main',
      sha: options.base.sha,
      repo: baseRepo,
      label: `${options.base.owner}:${options.base.ref ?? 'main'}`,
    },
  }
  return payload
}

/** A push payload: GitHub's own example with the test's commits. */
export function pushPayload(options: {
  owner: string
  repo: string
  before: string
  after: string
  ref?: string
}): object {
  const payload = example('push')
  return {
    ...payload,
    ref: options.ref ?? 'refs/heads/main',
    before: options.before,
    after: options.after,
    created: /^0+$/.test(options.before),
    repository: {
      ...at(payload, 'repository'),
      name: options.repo,
      full_name: `${options.owner}/${options.repo}`,
    },
  }
}

/** A merge_group `checks_requested` payload: GitHub's own example with the queue's commits. */
export function mergeGroupPayload(options: {
  owner: string
  repo: string
  base: string
  head: string
}): object {
  const payload = example('merge_group', 'checks_requested')
  const group = at(payload, 'merge_group')
  return {
    ...payload,
    merge_group: {
      ...group,
      base_sha: options.base,
      head_sha: options.head,
      head_ref: `refs/heads/gh-readonly-queue/main/pr-7-${options.base}`,
    },
    repository: renamed(at(payload, 'repository'), options.owner, options.repo, false),
  }
}

export interface OpenedPull {
  number: number
  base: string
  head: string
  payload: object
}

/**
 * Opens PR #number on the fake's acme/photos: the head adds `files` on top of a base holding a
 * README, from a fork when `fork` names its owner. Returns the payload GitHub would send.
 */
export function openPull(
  github: FakeGitHub,
  files: Record<string, FileSpec>,
  options: { number?: number; fork?: string } = {},
): OpenedPull {
  const base = github.git.commit({ 'README.md': '# photos' })
  return setPullHead(
    github,
    options.number ?? 7,
    base,
    github.git.amend(base, files),
    options.fork,
    Object.keys(files).length,
  )
}

/** Pushes `changes` onto an open PR's head, as a new commit; returns the new event. */
export function pushToPull(
  github: FakeGitHub,
  pull: OpenedPull,
  changes: Record<string, FileSpec | null>,
): OpenedPull {
  const fork = github.pulls.get(pull.number)?.head.owner
  return setPullHead(
    github,
    pull.number,
    pull.base,
    github.git.amend(pull.head, changes),
    fork === 'acme' ? undefined : fork,
  )
}

function setPullHead(
  github: FakeGitHub,
  number: number,
  base: string,
  head: string,
  fork?: string,
  changedFiles?: number,
): OpenedPull {
  const headOwner = fork ?? 'acme'
  github.pulls.set(number, {
    number,
    base: { owner: 'acme', repo: 'photos', sha: base, ref: 'main' },
    head: { owner: headOwner, repo: 'photos', sha: head, ref: 'feature' },
  })
  const payload = pullRequestPayload({
    number,
    base: { owner: 'acme', repo: 'photos', sha: base },
    head: { owner: headOwner, repo: 'photos', sha: head, ref: 'feature' },
    ...(changedFiles === undefined ? {} : { changedFiles }),
  })
  return { number, base, head, payload }
}

export interface CliRun {
  code: number | null
  stdout: string
  stderr: string
}

export interface CliOptions {
  env?: Record<string, string>
  /** The Node binary to run it with (default: this one). */
  node?: string
  /** Sees stdout as it grows. */
  onStdout?: (stdout: string) => void
}

/** Runs `node dist/cli.js ARGS` from the repository root to its end, as a user's shell would. */
export function runCli(args: string[], options: CliOptions = {}): Promise<CliRun> {
  return new Promise((resolveRun) => {
    const child = spawn(options.node ?? process.execPath, [join(ROOT, 'dist/cli.js'), ...args], {
      env: { PATH: process.env.PATH ?? '', ...options.env },
      cwd: ROOT,
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString()
      options.onStdout?.(stdout)
    })
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.on('close', (code) => resolveRun({ code, stdout, stderr }))
  })
}
