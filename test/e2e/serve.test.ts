import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FakeGitHub } from '../fakes/github.js'
import { listen } from '../fakes/http.js'
import { ROOT, openPull, runAction } from './harness.js'

const KEY = 'sk-serve-test-key'
const DETECT = '/api/v1/services/aigc/image2video/aa-detect'

interface Served {
  child: ChildProcessWithoutNullStreams
  url: string
  log: () => string
  exit: Promise<number | null>
}

/** Starts `node dist/cli.js serve` on a free port and waits for its "listening" line. */
async function startServe(args: string[]): Promise<Served> {
  const child = spawn(
    process.execPath,
    [join(ROOT, 'dist/cli.js'), 'serve', '--port', '0', ...args],
    {
      env: { PATH: process.env.PATH ?? '' },
    },
  )
  let stderr = ''
  const exit = new Promise<number | null>((resolve) => child.on('close', resolve))
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start:\n${stderr}`)), 20_000)
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString()
      const match = /listening on (http:\/\/[^/\s]+)/.exec(stderr)
      if (match?.[1] !== undefined) {
        clearTimeout(timer)
        resolve(match[1])
      }
    })
  })
  return { child, url, log: () => stderr, exit }
}

let photos: Awaited<ReturnType<typeof listen>>
let served: Served

beforeAll(async () => {
  photos = await listen(async (req, res) => {
    const [, kind = '', name = ''] = /^\/(photos|slow|redirect)\/(.+)$/.exec(req.url ?? '') ?? []
    if (kind === 'redirect') {
      res.writeHead(302, { location: `/photos/${name}` })
      res.end()
      return
    }
    if (kind === 'slow') await new Promise((r) => setTimeout(r, 1500))
    try {
      const bytes = await readFile(join(ROOT, 'test/fixtures/photos', name))
      res.writeHead(200, { 'content-type': 'image/jpeg' })
      res.end(bytes)
    } catch {
      res.writeHead(404)
      res.end()
    }
  })
  served = await startServe([
    '--allow-private',
    '--api-key',
    KEY,
    '--concurrency',
    '1',
    '--queue',
    '1',
  ])
}, 30_000)

afterAll(async () => {
  served.child.kill('SIGTERM')
  await served.exit
  await photos.close()
})

async function post(base: string, body: unknown, key: string | null = KEY) {
  const response = await fetch(`${base}${DETECT}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(key === null ? {} : { authorization: `Bearer ${key}` }),
    },
    body: JSON.stringify(body),
  })
  return { status: response.status, json: (await response.json()) as Record<string, unknown> }
}
const detectBody = (imageUrl: string) => ({
  model: 'animate-anyone-detect-gen2',
  input: { image_url: imageUrl },
  parameters: {},
})

describe('aa-check serve', () => {
  it('answers in the DashScope shapes', async () => {
    const health = await fetch(`${served.url}/healthz`)
    expect(health.status).toBe(200)
    const passed = await post(served.url, detectBody(`${photos.url}/photos/full-body.jpg`))
    expect(passed.status).toBe(200)
    expect(passed.json).toMatchObject({
      output: { check_pass: true, bodystyle: 'full' },
      usage: { image_count: 1 },
    })
    expect(passed.json.request_id).toMatch(/^[0-9a-f-]{36}$/)
    const rejected = await post(served.url, detectBody(`${photos.url}/redirect/sitting.jpg`))
    expect(rejected).toMatchObject({ status: 400, json: { code: 'InvalidFile.BodyPose' } })
    const tiny = await post(served.url, detectBody(`${photos.url}/photos/too-small.jpg`))
    expect(tiny).toMatchObject({ status: 400, json: { code: 'InvalidFile.Resolution' } })
  })

  it('validates the key and the body', async () => {
    expect(
      await post(served.url, detectBody(`${photos.url}/photos/full-body.jpg`), null),
    ).toMatchObject({ status: 401, json: { code: 'InvalidApiKey' } })
    expect(
      await post(served.url, detectBody(`${photos.url}/photos/full-body.jpg`), 'sk-wrong'),
    ).toMatchObject({ status: 401 })
    expect(
      await post(served.url, { model: 'other', input: { image_url: 'http://x/y.jpg' } }),
    ).toMatchObject({ status: 400, json: { code: 'InvalidParameter' } })
    expect(
      await post(served.url, { model: 'animate-anyone-detect-gen2', input: {} }),
    ).toMatchObject({ status: 400, json: { code: 'InvalidParameter' } })
    expect(await post(served.url, detectBody('file:///etc/passwd'))).toMatchObject({
      status: 400,
      json: { code: 'InvalidParameter' },
    })
    expect(await post(served.url, detectBody(`${photos.url}/photos/missing.jpg`))).toMatchObject({
      status: 400,
      json: { code: 'InvalidURL' },
    })
  })

  it('answers 429 Throttling beyond --concurrency and --queue', async () => {
    const answers = await Promise.all(
      Array.from({ length: 5 }, () =>
        post(served.url, detectBody(`${photos.url}/slow/half-body.jpg`)),
      ),
    )
    const statuses = answers.map((a) => a.status).sort()
    expect(statuses.filter((s) => s === 200)).toHaveLength(2)
    expect(statuses.filter((s) => s === 429)).toHaveLength(3)
    expect(answers.find((a) => a.status === 429)?.json.code).toBe('Throttling')
  })

  it('logs one line per request, without the key', () => {
    const lines = served
      .log()
      .split('\n')
      .filter((l) => / POST /.test(l))
    expect(lines.length).toBeGreaterThan(5)
    expect(served.log()).not.toContain(KEY)
    expect(lines[0]).toMatch(
      /^\S+Z POST \/api\/v1\/services\/aigc\/image2video\/aa-detect \d{3} \d+ms/,
    )
  })

  it('refuses loopback, private and metadata addresses without --allow-private', async () => {
    const strict = await startServe([])
    try {
      for (const url of [
        `${photos.url}/photos/full-body.jpg`,
        'http://169.254.169.254/latest/meta-data/',
        'http://10.0.0.1/a.jpg',
        'http://[::1]/a.jpg',
        'http://localhost/a.jpg',
      ]) {
        const answer = await post(strict.url, detectBody(url), null)
        expect(answer, url).toMatchObject({ status: 400, json: { code: 'InvalidURL' } })
      }
    } finally {
      strict.child.kill('SIGTERM')
      await strict.exit
    }
  })

  it('finishes requests in flight on SIGTERM, then exits 0', async () => {
    const extra = await startServe(['--allow-private'])
    const pending = post(extra.url, detectBody(`${photos.url}/slow/full-body.jpg`), null)
    await new Promise((r) => setTimeout(r, 300))
    extra.child.kill('SIGTERM')
    expect(await pending).toMatchObject({ status: 200 })
    expect(await extra.exit).toBe(0)
    expect(extra.log()).toContain('aa-check serve: stopped')
  })

  it('serves the action unchanged: action → serve → photo server', async () => {
    const github = await new FakeGitHub().start()
    try {
      const { payload } = openPull(github, {
        'full-body.jpg': await readFile(join(ROOT, 'test/fixtures/photos/full-body.jpg')),
        'sitting.jpg': await readFile(join(ROOT, 'test/fixtures/photos/sitting.jpg')),
      })
      const run = await runAction({
        eventName: 'pull_request',
        payload,
        repository: 'acme/photos',
        apiUrl: github.url,
        inputs: {
          backend: 'dashscope',
          'api-key': KEY,
          endpoint: `${served.url}${DETECT}`,
          'base-url': `${photos.url}/photos/{path}`,
          concurrency: '1',
        },
      })
      expect(run.exitCode).toBe(1)
      const results = JSON.parse(run.outputs.results ?? '[]') as Record<string, unknown>[]
      expect(results).toEqual([
        expect.objectContaining({ path: 'full-body.jpg', status: 'pass', bodystyle: 'full' }),
        expect.objectContaining({
          path: 'sitting.jpg',
          status: 'reject',
          code: 'InvalidFile.BodyPose',
        }),
      ])
    } finally {
      await github.close()
    }
  })
})

describe('aa-check audit', () => {
  function cli(args: string[]) {
    return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [join(ROOT, 'dist/cli.js'), ...args], {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '' },
      })
      let stdout = ''
      let stderr = ''
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
      child.on('close', (code) => resolve({ code, stdout, stderr }))
    })
  }

  it('writes the PR comment report for a folder', async () => {
    const run = await cli(['audit', 'test/fixtures/photos', '--exclude', '**/*.webp'])
    expect(run.code).toBe(1)
    expect(run.stdout).toContain('<!-- animate-anyone-check -->')
    expect(run.stdout).toContain('| 5 | 2 | 3 | 0 |')
    expect(run.stdout).toContain('#### ❌ `InvalidFile.BodyPose`')
  })

  it('writes JSON to a file with --output', async () => {
    const out = join(ROOT, 'node_modules/.cache-audit.json')
    const run = await cli([
      'audit',
      'test/fixtures/photos',
      '--format',
      'json',
      '--output',
      out,
      '--include',
      '**/full-body.jpg',
    ])
    expect(run.code).toBe(0)
    expect(JSON.parse(await readFile(out, 'utf8'))).toEqual([
      expect.objectContaining({ status: 'pass', bodystyle: 'full' }),
    ])
    expect(run.stderr).toContain('1 checked, 1 passed')
  })
})
