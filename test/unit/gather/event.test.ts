import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'
import { parseTrigger } from '../../../src/gather/event.js'
import { resolveMode } from '../../../src/gather/gather.js'

const env = {
  GITHUB_REPOSITORY: 'acme/photos',
  GITHUB_SHA: 'sha-env',
  GITHUB_REF: 'refs/heads/main',
}
const repo = (fullName: string) => ({ full_name: fullName })

describe('parseTrigger', () => {
  it('reads a fork pull request: comments on the base, images from the head', () => {
    const trigger = parseTrigger(
      'pull_request_target',
      {
        repository: repo('acme/photos'),
        pull_request: {
          number: 9,
          changed_files: 12,
          head: { sha: 'h', ref: 'patch-1', repo: repo('outsider/photos-fork') },
          base: { sha: 'b', ref: 'main', repo: repo('acme/photos') },
        },
      },
      env,
    )
    expect(trigger).toEqual({
      kind: 'pull_request',
      eventName: 'pull_request_target',
      pr: {
        number: 9,
        baseRepo: { owner: 'acme', repo: 'photos' },
        headRepo: { owner: 'outsider', repo: 'photos-fork' },
        headSha: 'h',
        headRef: 'patch-1',
        baseSha: 'b',
        changedFiles: 12,
        draft: false,
      },
    })
  })

  it('falls back to the base repository when the fork was deleted', () => {
    const trigger = parseTrigger(
      'pull_request',
      {
        pull_request: {
          number: 1,
          head: { sha: 'h', repo: null },
          base: { sha: 'b', repo: repo('acme/photos') },
        },
      },
      env,
    )
    expect(trigger.kind === 'pull_request' && trigger.pr.headRepo).toEqual({
      owner: 'acme',
      repo: 'photos',
    })
  })

  it('reads a push', () => {
    expect(
      parseTrigger('push', { before: '0000', after: 'a1', ref: 'refs/heads/dev' }, env),
    ).toEqual({
      kind: 'push',
      eventName: 'push',
      repo: { owner: 'acme', repo: 'photos' },
      before: '0000',
      after: 'a1',
      ref: 'dev',
      defaultBranch: '',
    })
  })

  it("reads the default branch of GitHub's own push payload", () => {
    const examples = createRequire(import.meta.url)('@octokit/webhooks-examples') as {
      name: string
      examples: Record<string, unknown>[]
    }[]
    const payload = examples.find((e) => e.name === 'push')?.examples[0] ?? {}
    const trigger = parseTrigger('push', payload, env)
    expect(trigger.kind === 'push' && trigger.defaultBranch).toMatch(/^[\w.-]+$/)
  })

  it("reads a merge queue entry from GitHub's own merge_group payload", () => {
    const examples = createRequire(import.meta.url)('@octokit/webhooks-examples') as {
      name: string
      examples: Record<string, unknown>[]
    }[]
    const payload = examples.find((e) => e.name === 'merge_group')?.examples[0] ?? {}
    expect(parseTrigger('merge_group', payload, env)).toEqual({
      kind: 'merge_group',
      eventName: 'merge_group',
      repo: { owner: 'octo-org', repo: 'octo-repo' },
      baseSha: '380387fbc80638b734a49e1be1c4dfec1c01b33c',
      headSha: '2ffea6db159f6b6c47a24e778fb9ef40cf6b1c7d',
      ref: 'gh-readonly-queue/main/pr-104-929f8209d40f77f4abc622a499c93a83babdbe64',
    })
  })

  it('reads other events from the environment', () => {
    expect(parseTrigger('workflow_dispatch', {}, env)).toEqual({
      kind: 'other',
      eventName: 'workflow_dispatch',
      repo: { owner: 'acme', repo: 'photos' },
      sha: 'sha-env',
      ref: 'main',
    })
  })

  it('fails clearly on a pull request payload without a head', () => {
    expect(() => parseTrigger('pull_request', { pull_request: {} }, env)).toThrow(
      /no pull_request.number/,
    )
  })
})

describe('resolveMode', () => {
  const other = parseTrigger('schedule', {}, env)
  const push = parseTrigger('push', { before: 'a', after: 'b' }, env)
  it('audits on dispatch and schedule, checks changes on PRs and pushes', () => {
    expect(resolveMode('auto', other)).toBe('all')
    expect(resolveMode('auto', push)).toBe('changed')
    expect(resolveMode('all', push)).toBe('all')
    const queued = parseTrigger(
      'merge_group',
      { merge_group: { base_sha: 'a', head_sha: 'b' } },
      env,
    )
    expect(resolveMode('auto', queued)).toBe('changed')
  })
  it('refuses changed on an event without changes', () => {
    expect(() => resolveMode('changed', other)).toThrow(
      /Input "mode" is "changed", but a schedule event/,
    )
  })
})
