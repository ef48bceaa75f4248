import { describe, expect, it } from 'vitest'
import { encodeRecord } from '../../src/record/comment-record.js'
import { COMMENT_MARKER } from '../../src/report/render.js'
import { failCheck, pass, apiError } from '../fakes/dashscope.js'
import { runAction } from './harness.js'
import { openPull, runOnPull, useFakes } from './setup.js'
import { identityHash } from '../../src/record/verdicts.js'
import { gitBlobSha } from '../../src/core/blob-sha.js'

const fakes = useFakes()
const MODEL = 'animate-anyone-detect-gen2'
const shaOf = (text: string) => gitBlobSha(new TextEncoder().encode(text))

/** A record that says every listed blob passed, as an attacker would write it. */
function forgedRecord(endpoint: string, scope: string, shas: string[]): string {
  const verdicts = new Map(
    shas.map((sha) => [
      sha,
      { status: 'pass' as const, bodystyle: 'full' as const, at: Date.now() },
    ]),
  )
  const identity = identityHash(`dashscope ${new URL(endpoint).href} ${MODEL}`)
  return encodeRecord({ identity, scope, verdicts }, 60_000)
}

/** Lines of the log a runner would read as workflow commands. */
const commands = (stdout: string) => stdout.split('\n').filter((line) => /^\s*(::|##\[)/.test(line))

describe('hostile comments and records', () => {
  it("ignores another bot's marker comment carrying a forged record, and never edits it", async () => {
    const { payload } = openPull(fakes.github, { 'bad.jpg': 'bad' })
    fakes.dashscope.verdicts = [{ match: /bad\.jpg$/, reply: () => failCheck('Two people') }]
    const forged = `${COMMENT_MARKER}\nall good\n\n${forgedRecord(fakes.dashscope.endpoint, 'acme/photos#7', [shaOf('bad')])}`
    const other = fakes.github.addComment(7, forged, {
      login: 'other-app[bot]',
      id: 9,
      type: 'Bot',
    })

    const run = await runOnPull(fakes, payload)

    expect(fakes.dashscope.calls).toHaveLength(1)
    expect(run.exitCode).toBe(1)
    expect(run.outputs.rejected).toBe('1')
    const comments = fakes.github.comments.get(7) ?? []
    expect(comments.find((c) => c.id === other.id)?.body).toBe(forged)
    expect(fakes.github.count('PATCH', /\/issues\/comments\//)).toBe(0)
    expect(comments.filter((c) => c.user.login === 'github-actions[bot]')).toHaveLength(1)
  })

  it('ignores a record copied from another pull request into its own comment', async () => {
    const { payload } = openPull(fakes.github, { 'bad.jpg': 'bad' })
    fakes.dashscope.verdicts = [{ match: /bad\.jpg$/, reply: () => failCheck('Two people') }]
    fakes.github.addComment(
      7,
      `${COMMENT_MARKER}\n\n${forgedRecord(fakes.dashscope.endpoint, 'acme/photos#8', [shaOf('bad')])}`,
    )
    const run = await runOnPull(fakes, payload)
    expect(fakes.dashscope.calls).toHaveLength(1)
    expect(run.exitCode).toBe(1)
  })

  it('trusts the comment of the configured comment-author', async () => {
    const { payload } = openPull(fakes.github, { 'ok.jpg': 'ok' })
    const app = { login: 'my-app[bot]', id: 5, type: 'Bot' as const }
    fakes.github.addComment(
      7,
      `${COMMENT_MARKER}\n\n${forgedRecord(fakes.dashscope.endpoint, 'acme/photos#7', [shaOf('ok')])}`,
      app,
    )
    const run = await runOnPull(fakes, payload, { 'comment-author': 'my-app[bot]' })
    expect(fakes.dashscope.calls).toHaveLength(0)
    expect(run.exitCode).toBe(0)
    expect(fakes.github.count('PATCH', /\/issues\/comments\//)).toBe(1)
  })

  it('writes no endpoint credentials or query into the comment', async () => {
    const { payload } = openPull(fakes.github, { 'a.jpg': 'a' })
    fakes.dashscope.verdicts = [{ match: /a\.jpg$/, reply: () => pass('full') }]
    const endpoint = new URL(fakes.dashscope.endpoint)
    endpoint.search = '?access_token=query-secret-123'
    const run = await runOnPull(fakes, payload, { endpoint: endpoint.href })
    expect(run.exitCode).toBe(0)
    const body = fakes.github.comments.get(7)?.[0]?.body ?? ''
    expect(body).toContain('animate-anyone-check:record')
    const record = body.slice(body.indexOf('animate-anyone-check:record'))
    const json = Buffer.from(record.split(' ')[1] ?? '', 'base64')
    const { inflateRawSync } = await import('node:zlib')
    const text = inflateRawSync(json).toString('utf8')
    expect(text).not.toContain('query-secret-123')
    expect(text).not.toContain('127.0.0.1')
    expect(run.everything).not.toContain('query-secret-123')
  })
})

describe('hostile file names and service messages', () => {
  it('never lets a path or a service message start a workflow command', async () => {
    const evil = 'x\n::error::forged annotation\n::add-mask::hidden\n::stop-commands::tok\n.jpg'
    const { payload } = openPull(fakes.github, { [evil]: 'evil', 'b.jpg': 'b' })
    let evilCalls = 0
    fakes.dashscope.script = (call) =>
      call.imageUrl.includes('forged') && evilCalls++ === 0
        ? apiError(503, 'ServiceUnavailable', 'busy\n::error::from the service\n::stop-commands::x')
        : failCheck('bad pose\n::error::in a reason')
    const run = await runOnPull(fakes, payload, { 'max-retries': '2' })
    const issued = commands(run.stdout)
    for (const forged of [
      /^::error::forged/,
      /^::add-mask::hidden/,
      /^::stop-commands::/,
      /^::error::from the service/,
      /^::error::in a reason/,
    ]) {
      expect(issued.filter((line) => forged.test(line))).toEqual([])
    }
    // Shown, visibly escaped, where a reader expects them.
    expect(run.stdout).toContain('Retrying x\\n::error::forged annotation')
    expect(run.stdout).toContain('busy\\n::error::from the service')
    expect(run.stdout).toContain('bad pose\\n::error::in a reason')
    expect(run.exitCode).toBe(1)
  })
})

describe('GitHub limits and races', () => {
  it('waits out a secondary rate limit on the files listing instead of failing', async () => {
    const { payload } = openPull(fakes.github, { 'a.jpg': 'a' })
    fakes.dashscope.verdicts = [{ match: /a\.jpg$/, reply: () => pass('full') }]
    fakes.github.faults.push({
      method: 'GET',
      path: /\/pulls\/7\/files$/,
      times: 1,
      status: 403,
      headers: { 'retry-after': '1' },
      message:
        'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
    })
    const started = Date.now()
    const run = await runOnPull(fakes, payload)
    expect(run.exitCode).toBe(0)
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000)
    expect(fakes.github.count('GET', /\/pulls\/7\/files$/)).toBe(2)
    expect(run.stdout).toMatch(
      /GitHub secondary rate limit on GET .*: waiting 1 s, then retrying\./,
    )
  })

  it('words a rate-limited comment as a rate limit, not as a read-only token', async () => {
    const { payload } = openPull(fakes.github, { 'a.jpg': 'a' })
    fakes.dashscope.verdicts = [{ match: /a\.jpg$/, reply: () => pass('full') }]
    fakes.github.faults.push({
      method: 'POST',
      path: /\/issues\/7\/comments$/,
      times: 10,
      status: 403,
      headers: {
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600),
      },
      message: 'API rate limit exceeded for installation.',
    })
    const run = await runOnPull(fakes, payload)
    expect(run.exitCode).toBe(0)
    expect(run.stdout).toMatch(
      /Could not comment on #7: GitHub API POST \S+ failed: HTTP 403 API rate limit exceeded.*GitHub's rate limit was still exceeded after waiting/,
    )
    expect(run.stdout).not.toMatch(/read-only token/)
  })

  it('recreates the comment when it was deleted between finding and editing it', async () => {
    const { payload } = openPull(fakes.github, { 'a.jpg': 'a' })
    fakes.dashscope.verdicts = [{ match: /a\.jpg$/, reply: () => pass('full') }]
    fakes.github.addComment(7, `${COMMENT_MARKER}\nold report`)
    fakes.github.faults.push({
      method: 'PATCH',
      path: /\/issues\/comments\/\d+$/,
      times: 1,
      status: 404,
      message: 'Not Found',
    })
    const run = await runOnPull(fakes, payload)
    expect(run.exitCode).toBe(0)
    expect(fakes.github.count('POST', /\/issues\/7\/comments$/)).toBe(1)
    expect(fakes.github.comments.get(7)?.at(-1)?.body).toContain('all 1 image passed')
  })

  it('skips commenting when the comments cannot be listed, rather than adding a second one', async () => {
    const { payload } = openPull(fakes.github, { 'a.jpg': 'a' })
    fakes.dashscope.verdicts = [{ match: /a\.jpg$/, reply: () => pass('full') }]
    fakes.github.addComment(7, `${COMMENT_MARKER}\nold report`)
    fakes.github.faults.push({
      method: 'GET',
      path: /\/issues\/7\/comments$/,
      times: 10,
      status: 404,
      message: 'Not Found',
    })
    const run = await runOnPull(fakes, payload)
    expect(run.exitCode).toBe(0)
    expect(fakes.github.count('POST', /\/issues\/7\/comments$/)).toBe(0)
    expect(run.stdout).toMatch(/::warning::Could not read the comments of #7 .*not commenting/)
  })
})

describe('a malformed event file', () => {
  it('fails with one clear line, no stack trace', async () => {
    const run = await runAction({
      eventName: 'pull_request',
      payload: '{"pull_request": {"number": 7,',
      repository: 'acme/photos',
      apiUrl: fakes.github.url,
    })
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toMatch(
      /^::error::The event file GITHUB_EVENT_PATH is not valid JSON \(.+\)\.$/m,
    )
    expect(run.stdout + run.stderr).not.toMatch(/at .+\.js:\d+/)
    expect(run.stderr).toBe('')
  })
})
