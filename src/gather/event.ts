import { readFile } from 'node:fs/promises'
import { GatherError, errorMessage } from '../core/errors.js'
import type { RepoRef, Trigger } from '../core/types.js'
import { asObject, asString, type JsonObject } from '../core/json.js'

export const PULL_REQUEST_EVENTS = new Set(['pull_request', 'pull_request_target'])
export const ZERO_SHA = /^0+$/

function repoOf(value: unknown): RepoRef | undefined {
  const fullName = asString(asObject(value)?.full_name)
  if (fullName?.includes('/')) {
    const [owner = '', name = ''] = fullName.split('/', 2)
    return { owner, repo: name }
  }
  return undefined
}

/**
 * Turns the runner's event (name, payload, GITHUB_REPOSITORY, GITHUB_SHA, GITHUB_REF) into what the
 * action needs. Pure, so every event shape is unit-tested without a runner.
 */
export function parseTrigger(
  eventName: string,
  payload: JsonObject,
  env: NodeJS.ProcessEnv,
): Trigger {
  const [envOwner = '', envRepo = ''] = (env.GITHUB_REPOSITORY ?? '').split('/', 2)
  const repo = repoOf(payload.repository) ?? { owner: envOwner, repo: envRepo }
  if (repo.owner === '' || repo.repo === '') {
    throw new GatherError('Cannot tell the repository: GITHUB_REPOSITORY is not set.')
  }

  if (PULL_REQUEST_EVENTS.has(eventName)) {
    const pr = asObject(payload.pull_request)
    const head = asObject(pr?.head)
    const base = asObject(pr?.base)
    const number = pr?.number
    const headSha = asString(head?.sha)
    if (typeof number !== 'number' || headSha === undefined) {
      throw new GatherError(`The ${eventName} event payload has no pull_request.number/head.sha.`)
    }
    return {
      kind: 'pull_request',
      eventName,
      pr: {
        number,
        baseRepo: repoOf(base?.repo) ?? repo,
        // A deleted fork leaves head.repo null; its commits stay reachable through the base.
        headRepo: repoOf(head?.repo) ?? repoOf(base?.repo) ?? repo,
        headSha,
        headRef: asString(head?.ref) ?? '',
        baseSha: asString(base?.sha) ?? '',
        changedFiles: typeof pr?.changed_files === 'number' ? pr.changed_files : undefined,
        draft: pr?.draft === true,
      },
    }
  }

  if (eventName === 'push') {
    const after = asString(payload.after) ?? env.GITHUB_SHA ?? ''
    return {
      kind: 'push',
      eventName,
      repo,
      before: asString(payload.before) ?? '',
      after,
      ref: stripRef(asString(payload.ref) ?? env.GITHUB_REF ?? ''),
      defaultBranch: asString(asObject(payload.repository)?.default_branch) ?? '',
    }
  }

  if (eventName === 'merge_group') {
    const group = asObject(payload.merge_group)
    const headSha = asString(group?.head_sha) ?? env.GITHUB_SHA ?? ''
    if (headSha === '') {
      throw new GatherError('The merge_group event payload has no merge_group.head_sha.')
    }
    return {
      kind: 'merge_group',
      eventName,
      repo,
      baseSha: asString(group?.base_sha) ?? '',
      headSha,
      ref: stripRef(asString(group?.head_ref) ?? env.GITHUB_REF ?? ''),
    }
  }

  return {
    kind: 'other',
    eventName,
    repo,
    sha: env.GITHUB_SHA ?? '',
    ref: stripRef(env.GITHUB_REF ?? ''),
  }
}

function stripRef(ref: string): string {
  return ref.replace(/^refs\/(heads|tags)\//, '')
}

/**
 * The event as the runner hands it over: GITHUB_EVENT_NAME and the JSON file at GITHUB_EVENT_PATH.
 * Read here rather than through `@actions/github`'s context, which parses the file on import and
 * would end a malformed one in an uncaught stack trace instead of one clear line.
 */
export async function readEvent(
  env: NodeJS.ProcessEnv,
): Promise<{ eventName: string; payload: JsonObject }> {
  const eventName = env.GITHUB_EVENT_NAME ?? ''
  const path = env.GITHUB_EVENT_PATH ?? ''
  if (path === '') return { eventName, payload: {} }
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    throw new GatherError(`Cannot read the event file GITHUB_EVENT_PATH (${errorMessage(error)}).`)
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    throw new GatherError(
      `The event file GITHUB_EVENT_PATH is not valid JSON (${errorMessage(error)}).`,
    )
  }
  const payload = asObject(parsed)
  if (payload === undefined) {
    throw new GatherError('The event file GITHUB_EVENT_PATH does not hold a JSON object.')
  }
  return { eventName, payload }
}
