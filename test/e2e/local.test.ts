import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { FakeGitHub } from '../fakes/github.js'
import { ROOT, openPull, runAction, runCli } from './harness.js'

const photo = (name: string) => readFile(join(ROOT, 'test/fixtures/photos', name))

let github: FakeGitHub
beforeEach(async () => {
  github = await new FakeGitHub().start()
})
afterEach(async () => {
  await github.close()
})

describe('backend local, end to end', () => {
  it('checks a PR offline with no key: bytes through the API, the model from dist/', async () => {
    const { payload } = openPull(github, {
      'people/full.jpg': await photo('full-body.jpg'),
      'people/half.jpg': await photo('half-body.jpg'),
      'people/sitting.jpg': await photo('sitting.jpg'),
      'people/tiny.jpg': await photo('too-small.jpg'),
      'people/empty.jpg': await photo('no-person.jpg'),
    })
    const run = await runAction({
      eventName: 'pull_request',
      payload,
      repository: 'acme/photos',
      apiUrl: github.url,
    })
    expect(run.exitCode).toBe(1)
    const results = JSON.parse(run.outputs.results ?? '[]') as {
      path: string
      status: string
      code: string | null
      bodystyle: string | null
    }[]
    expect(results.map((r) => [r.path, r.status, r.code ?? r.bodystyle])).toEqual([
      ['people/empty.jpg', 'reject', 'InvalidFile.Content'],
      ['people/full.jpg', 'pass', 'full'],
      ['people/half.jpg', 'pass', 'half'],
      ['people/sitting.jpg', 'reject', 'InvalidFile.BodyPose'],
      ['people/tiny.jpg', 'reject', 'InvalidFile.Resolution'],
    ])
    expect(github.count('GET', /\/git\/blobs\//)).toBe(5)
    expect(github.comments.get(7)?.[0]?.body).toContain('embedded local detector')
  })

  it('reads a matching checkout from the workspace, never a stale one', async () => {
    const full = await photo('full-body.jpg')
    const { payload } = openPull(github, {
      'a/full.jpg': full,
      'a/half.jpg': await photo('half-body.jpg'),
    })
    const workspace = await mkdtemp(join(tmpdir(), 'aa-workspace-'))
    try {
      await mkdir(join(workspace, 'a'))
      await writeFile(join(workspace, 'a/full.jpg'), full)
      // A stale checkout: another photo under the PR's path must not be used.
      await writeFile(join(workspace, 'a/half.jpg'), await photo('sitting.jpg'))
      const run = await runAction({
        eventName: 'pull_request',
        payload,
        repository: 'acme/photos',
        apiUrl: github.url,
        env: { GITHUB_WORKSPACE: workspace },
      })
      expect(run.exitCode).toBe(0)
      expect(run.outputs.passed).toBe('2')
      expect(github.count('GET', /\/git\/blobs\//)).toBe(1)
    } finally {
      await rm(workspace, { recursive: true, force: true })
    }
  })
})

const cli = (args: string[], env: Record<string, string> = {}) => runCli(args, { env })

describe('aa-check CLI', () => {
  it('prints exactly one JSON array with --json and exits 1 on a rejection', async () => {
    const run = await cli([
      'check',
      '--json',
      'test/fixtures/photos/full-body.jpg',
      'test/fixtures/photos/sitting.jpg',
    ])
    expect(run.code).toBe(1)
    const results = JSON.parse(run.stdout) as Record<string, unknown>[]
    expect(results).toEqual([
      expect.objectContaining({
        path: 'test/fixtures/photos/full-body.jpg',
        status: 'pass',
        bodystyle: 'full',
        code: null,
        message: null,
      }),
      expect.objectContaining({
        path: 'test/fixtures/photos/sitting.jpg',
        status: 'reject',
        code: 'InvalidFile.BodyPose',
      }),
    ])
  })

  it('walks directories and exits 0 when everything passes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'aa-cli-'))
    try {
      await mkdir(join(dir, 'nested'))
      await writeFile(join(dir, 'nested/Full.JPG'), await photo('full-body.jpg'))
      await writeFile(join(dir, 'notes.txt'), 'not an image')
      const run = await cli(['check', dir])
      expect(run.code).toBe(0)
      expect(run.stdout).toMatch(/^PASS {3}.*nested\/Full\.JPG {2}full body$/m)
      expect(run.stdout).toContain('1 checked: 1 passed, 0 rejected, 0 errors')
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('exits 2 with a clear message on bad usage', async () => {
    const noArgs = await cli(['check'])
    expect(noArgs.code).toBe(2)
    expect(noArgs.stderr).toContain('aa-check: Name at least one image, directory or URL.')
    const badOption = await cli(['check', '--require-bodystyle', 'torso', 'x.jpg'])
    expect(badOption.code).toBe(2)
    const missing = await cli(['check', 'no/such/file.jpg'])
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain('No such file or directory: no/such/file.jpg')
    const unknown = await cli(['check', '--frobnicate', 'x.jpg'])
    expect(unknown.code).toBe(2)
  })

  it('exits 2 when an image could not be checked', async () => {
    const run = await cli(['check', '--json', 'http://127.0.0.1:9/none.jpg'])
    expect(run.code).toBe(2)
    expect(JSON.parse(run.stdout)).toEqual([
      expect.objectContaining({ status: 'error', code: 'FetchFailed' }),
    ])
  })
})
