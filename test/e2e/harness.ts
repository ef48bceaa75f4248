import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parse } from 'yaml'

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
  payload: object
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
    await writeFile(eventPath, JSON.stringify(options.payload))
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

/** A pull_request webhook payload with the fields of the real one that the action reads (and more). */
export function pullRequestPayload(options: PullPayloadOptions): object {
  const repoJson = (owner: string, repo: string, fork: boolean) => ({
    id: 1,
    name: repo,
    full_name: `${owner}/${repo}`,
    private: false,
    fork,
    owner: { login: owner, type: 'User' },
    html_url: `https://github.com/${owner}/${repo}`,
    default_branch: 'main',
  })
  const fork = options.base.owner !== options.head.owner || options.base.repo !== options.head.repo
  return {
    action: options.action ?? 'synchronize',
    number: options.number,
    pull_request: {
      number: options.number,
      state: 'open',
      title: 'Add photos',
      user: { login: 'contributor', type: 'User' },
      changed_files: options.changedFiles,
      head: {
        label: `${options.head.owner}:${options.head.ref ?? 'feature'}`,
        ref: options.head.ref ?? 'feature',
        sha: options.head.sha,
        repo: repoJson(options.head.owner, options.head.repo, fork),
      },
      base: {
        label: `${options.base.owner}:${options.base.ref ?? 'main'}`,
        ref: options.base.ref ?? 'main',
        sha: options.base.sha,
        repo: repoJson(options.base.owner, options.base.repo, false),
      },
    },
    repository: repoJson(options.base.owner, options.base.repo, false),
    sender: { login: 'contributor', type: 'User' },
  }
}
