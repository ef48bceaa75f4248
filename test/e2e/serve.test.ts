import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { connect } from 'node:net'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { FakeGitHub } from '../fakes/github.js'
import { listen } from '../fakes/http.js'
import { encodeJpeg, flatGrey, scanBomb } from '../helpers/images.js'
import { sdkCall, sdkGetPolicy, sdkUpload, sdkUploadRequest } from '../helpers/dashscope-sdk.js'
import { ROOT, openPull, runAction, runCli } from './harness.js'

const KEY = 'sk-serve-test-key'
const DETECT = '/api/v1/services/aigc/image2video/aa-detect'

interface Served {
  child: ChildProcessWithoutNullStreams
  url: string
  log: () => string
  exit: Promise<number | null>
}

const running: Served[] = []

/**
 * Starts `node dist/cli.js serve` on a free port and waits for its "listening" line; every test
 * starts its own, and it is stopped after the test.
 */
async function startServe(args: string[], env: Record<string, string> = {}): Promise<Served> {
  const child = spawn(
    process.execPath,
    [join(ROOT, 'dist/cli.js'), 'serve', '--port', '0', ...args],
    { env: { PATH: process.env.PATH ?? '', ...env } },
  )
  let stderr = ''
  const exit = new Promise<number | null>((resolve) => child.on('close', resolve))
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start:\n${stderr}`)), 20_000)
    void exit.then(() => reject(new Error(`serve exited:\n${stderr}`)))
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString()
      const match = /listening on (http:\/\/[^/\s]+)/.exec(stderr)
      if (match?.[1] !== undefined) {
        clearTimeout(timer)
        resolve(match[1])
      }
    })
  })
  const served = { child, url, log: () => stderr, exit }
  running.push(served)
  return served
}

afterEach(async () => {
  for (const served of running.splice(0)) {
    served.child.kill('SIGTERM')
    await served.exit
  }
})

const cli = (args: string[]) => runCli(args)

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Images by URL; /hang never answers, /trickle sends a byte every 100 ms and never ends. */
let photos: Awaited<ReturnType<typeof listen>>

/** A 2000×2000 progressive JPEG with 3,000 extra scans: minutes of decoding if it were decoded. */
let bomb: Uint8Array

beforeAll(async () => {
  bomb = scanBomb(await encodeJpeg(flatGrey(2000, 2000), { progressive: true }), 3000)
  photos = await listen(async (req, res) => {
    const path = req.url ?? ''
    if (path === '/bomb.jpg') {
      res.writeHead(200, { 'content-type': 'image/jpeg' })
      res.end(bomb)
      return
    }
    if (path === '/hang') return
    if (path === '/trickle') {
      res.writeHead(200, { 'content-type': 'image/jpeg' })
      const timer = setInterval(() => res.write(Buffer.from([0xff])), 100)
      res.on('close', () => clearInterval(timer))
      return
    }
    const [, kind = '', name = ''] = /^\/(photos|slow|redirect)\/(.+)$/.exec(path) ?? []
    if (kind === 'redirect') {
      res.writeHead(302, { location: `/photos/${name}` })
      res.end()
      return
    }
    if (kind === 'slow') await sleep(1500)
    try {
      const bytes = await readFile(join(ROOT, 'test/fixtures/photos', name))
      res.writeHead(200, { 'content-type': 'image/jpeg' })
      res.end(bytes)
    } catch {
      res.writeHead(404)
      res.end()
    }
  })
})

afterAll(async () => {
  await photos.close()
})

async function post(
  base: string,
  body: unknown,
  key: string | null = KEY,
  headers: Record<string, string> = {},
) {
  const response = await fetch(`${base}${DETECT}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(key === null ? {} : { authorization: `Bearer ${key}` }),
      ...headers,
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
  it('answers a JPEG scan bomb at once with InvalidURL, and keeps serving others', async () => {
    const served = await startServe(['--allow-private', '--api-key', KEY])
    const started = Date.now()
    const [bombed, normal] = await Promise.all([
      post(served.url, detectBody(`${photos.url}/bomb.jpg`)),
      post(served.url, detectBody(`${photos.url}/photos/full-body.jpg`)),
    ])
    expect(bombed.status).toBe(400)
    expect(bombed.json).toMatchObject({ code: 'InvalidURL' })
    expect(String(bombed.json.message)).toMatch(/scans/)
    expect(normal.status).toBe(200)
    expect(Date.now() - started).toBeLessThan(10_000)
  })

  it('answers in the DashScope shapes', async () => {
    const served = await startServe(['--allow-private', '--api-key', KEY])
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
    const served = await startServe(['--allow-private', '--api-key', KEY])
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

  it('answers 413 RequestTooLarge to an oversized body, 400 to a body that is not JSON', async () => {
    const served = await startServe(['--api-key', KEY])
    const send = async (body: BodyInit, headers: Record<string, string>) => {
      const response = await fetch(`${served.url}${DETECT}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${KEY}`, ...headers },
        body,
        duplex: 'half',
      } as RequestInit)
      return { status: response.status, json: (await response.json()) as Record<string, unknown> }
    }
    const json = { 'content-type': 'application/json' }
    const padded = JSON.stringify({ ...detectBody('http://x/y.jpg'), pad: 'x'.repeat(100_000) })
    expect(await send(padded, json)).toMatchObject({
      status: 413,
      json: { code: 'RequestTooLarge', message: expect.stringContaining('64 KB') as unknown },
    })
    const chunks = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 100; i++) controller.enqueue(new Uint8Array(10_000).fill(32))
        controller.close()
      },
    })
    expect(await send(chunks, json)).toMatchObject({
      status: 413,
      json: { code: 'RequestTooLarge' },
    })
    const valid = JSON.stringify(detectBody('http://x/y.jpg'))
    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded']) {
      expect(await send(valid, { 'content-type': contentType })).toMatchObject({
        status: 400,
        json: {
          code: 'InvalidParameter',
          message: expect.stringContaining('Content-Type must be application/json') as unknown,
        },
      })
    }
    expect(await send(new Blob([valid]), {})).toMatchObject({ status: 400 })
    expect(await send('{', json)).toMatchObject({
      status: 400,
      json: { code: 'InvalidParameter', message: expect.stringContaining('not JSON') as unknown },
    })
  })

  it('answers 429 Throttling beyond --concurrency and --queue', async () => {
    const served = await startServe(['--allow-private', '--concurrency', '1', '--queue', '1'])
    const answers = await Promise.all(
      Array.from({ length: 5 }, () =>
        post(served.url, detectBody(`${photos.url}/slow/half-body.jpg`), null),
      ),
    )
    // Downloads end a little apart and a detection holds the event loop: one arriving after the
    // first detection finds its slot free, so 2 or 3 pass.
    const statuses = answers.map((a) => a.status)
    const passed = statuses.filter((s) => s === 200).length
    const throttled = statuses.filter((s) => s === 429).length
    expect(passed + throttled).toBe(5)
    expect(passed).toBeGreaterThanOrEqual(2)
    expect(throttled).toBeGreaterThanOrEqual(2)
    expect(answers.find((a) => a.status === 429)?.json.code).toBe('Throttling')
  })

  it('does not let image hosts that never answer or trickle hold up other requests', async () => {
    const served = await startServe([
      '--allow-private',
      '--concurrency',
      '1',
      '--fetch-timeout',
      '6',
    ])
    const started = performance.now()
    let settled = 0
    const tarpits = ['hang', 'hang', 'hang', 'trickle', 'trickle', 'trickle'].map(async (route) => {
      const answer = await post(served.url, detectBody(`${photos.url}/${route}`), null)
      settled++
      return { ...answer, ms: performance.now() - started }
    })
    await sleep(500)
    const normal = await post(served.url, detectBody(`${photos.url}/photos/full-body.jpg`), null)
    expect(normal).toMatchObject({ status: 200, json: { output: { bodystyle: 'full' } } })
    // Answered while all six tarpits still hold their downloads (their 6 s timeout is the bound
    // that matters): a shared 2-core CI machine may take over two seconds for one detection.
    expect(settled).toBe(0)
    for (const answer of await Promise.all(tarpits)) {
      expect(answer).toMatchObject({
        status: 400,
        json: {
          code: 'InvalidURL',
          message: expect.stringContaining('did not finish within 6 s') as unknown,
        },
      })
      expect(answer.ms).toBeGreaterThan(5900)
      expect(answer.ms).toBeLessThan(9000)
    }
  })

  it('answers 429 Throttling beyond --downloads and --download-queue', async () => {
    const served = await startServe([
      '--allow-private',
      '--downloads',
      '1',
      '--download-queue',
      '1',
      '--fetch-timeout',
      '2',
    ])
    const waiting = [post(served.url, detectBody(`${photos.url}/hang`), null)]
    await sleep(200)
    waiting.push(post(served.url, detectBody(`${photos.url}/hang`), null))
    await sleep(200)
    expect(await post(served.url, detectBody(`${photos.url}/hang`), null)).toMatchObject({
      status: 429,
      json: { code: 'Throttling' },
    })
    for (const answer of await Promise.all(waiting)) {
      expect(answer).toMatchObject({ status: 400, json: { code: 'InvalidURL' } })
    }
  })

  it('logs one line per request, without the key', async () => {
    const served = await startServe(['--allow-private', '--api-key', KEY])
    await post(served.url, detectBody(`${photos.url}/photos/full-body.jpg`))
    await post(served.url, detectBody(`${photos.url}/photos/full-body.jpg`), 'sk-wrong')
    await post(served.url, { model: 'other' })
    await (await fetch(`${served.url}/nowhere`)).arrayBuffer()
    await sleep(100)
    const lines = served
      .log()
      .split('\n')
      .filter((l) => / (POST|GET) /.test(l))
    expect(lines).toHaveLength(4)
    expect(served.log()).not.toContain(KEY)
    expect(lines[0]).toMatch(
      /^\S+Z POST \/api\/v1\/services\/aigc\/image2video\/aa-detect 200 \d+ms request_id=[0-9a-f-]{36}$/,
    )
    expect(lines[1]).toMatch(/ POST \S+ 401 \d+ms InvalidApiKey request_id=/)
    expect(lines[2]).toMatch(/ POST \S+ 400 \d+ms InvalidParameter request_id=/)
    expect(lines[3]).toMatch(/ GET \/nowhere 404 \d+ms NotFound request_id=/)
  })

  it('refuses loopback, private and metadata addresses without --allow-private', async () => {
    const strict = await startServe([])
    for (const url of [
      `${photos.url}/photos/full-body.jpg`,
      'http://169.254.169.254/latest/meta-data/',
      'http://10.0.0.1/a.jpg',
      'http://192.0.2.1/a.jpg',
      'http://198.18.0.1/a.jpg',
      'http://[::1]/a.jpg',
      'http://[::ffff:a00:1]/a.jpg',
      'http://[::ffff:127.0.0.1]/a.jpg',
      'http://[::10.0.0.1]/a.jpg',
      'http://[2002:a00:1::]/a.jpg',
      'http://[fec0::1]/a.jpg',
      'http://localhost/a.jpg',
    ]) {
      const answer = await post(strict.url, detectBody(url), null)
      expect(answer, url).toMatchObject({
        status: 400,
        json: {
          code: 'InvalidURL',
          message: expect.stringMatching(
            /is a private address.*; aa-check serve refuses private and special-purpose addresses unless started with --allow-private$/,
          ) as unknown,
        },
      })
    }
  })

  it('finishes requests in flight on SIGTERM, then exits 0', async () => {
    const extra = await startServe(['--allow-private'])
    const pending = post(extra.url, detectBody(`${photos.url}/slow/full-body.jpg`), null)
    await sleep(300)
    extra.child.kill('SIGTERM')
    expect(await pending).toMatchObject({ status: 200 })
    expect(await extra.exit).toBe(0)
    expect(extra.log()).toContain('aa-check serve: stopped')
  })

  it('takes the key from AA_CHECK_SERVE_API_KEY or --api-key-file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'aa-check-serve-'))
    try {
      const keyFile = join(dir, 'key')
      await writeFile(keyFile, `${KEY}\n`, { mode: 0o600 })
      for (const served of [
        await startServe([], { AA_CHECK_SERVE_API_KEY: KEY }),
        await startServe(['--api-key-file', keyFile]),
      ]) {
        expect(await post(served.url, { model: 'x' }, null)).toMatchObject({ status: 401 })
        expect(await post(served.url, { model: 'x' }, `${KEY}x`)).toMatchObject({ status: 401 })
        expect(await post(served.url, { model: 'x' }, KEY)).toMatchObject({
          status: 400,
          json: { code: 'InvalidParameter' },
        })
        expect(served.log()).not.toContain('warning')
      }
      const flagged = await startServe(['--api-key', KEY])
      expect(flagged.log()).toContain(
        'warning: --api-key is readable by every local user; prefer $AA_CHECK_SERVE_API_KEY or --api-key-file',
      )
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('refuses an unreadable or empty --api-key-file with a usage error', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'aa-check-serve-'))
    try {
      const missing = await cli(['serve', '--port', '0', '--api-key-file', join(dir, 'none')])
      expect(missing.code).toBe(2)
      expect(missing.stderr).toMatch(/^aa-check: Cannot read --api-key-file .*none: ENOENT/)
      const empty = join(dir, 'empty')
      await writeFile(empty, '\n')
      const blank = await cli(['serve', '--port', '0', '--api-key-file', empty])
      expect(blank.code).toBe(2)
      expect(blank.stderr).toMatch(/^aa-check: The key in --api-key-file .*empty is empty\./)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('says in --help to prefer AA_CHECK_SERVE_API_KEY or --api-key-file to --api-key', async () => {
    const help = await cli(['serve', '--help'])
    expect(help.code).toBe(0)
    expect(help.stdout).toContain('--api-key-file FILE')
    expect(help.stdout).toContain('$AA_CHECK_SERVE_API_KEY')
    expect(help.stdout).toMatch(
      /Prefer either to --api-key:\s+the command line is readable by every local user/,
    )
    for (const option of [
      '--downloads N',
      '--download-queue N',
      '--fetch-timeout SECONDS',
      '--upload-store-mb N',
      '--upload-timeout SECONDS',
      '--upload-min-rate KB',
      '--uploads-per-client N',
      '--no-auth',
    ]) {
      expect(help.stdout).toContain(option)
    }
  })

  it('serves DashScope temporary storage: check --backend dashscope sends local files', async () => {
    const served = await startServe(['--api-key', KEY])
    const run = await cli([
      'check',
      '--backend',
      'dashscope',
      '--endpoint',
      `${served.url}${DETECT}`,
      '--api-key',
      KEY,
      'test/fixtures/photos/full-body.jpg',
    ])
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/^PASS\s+test\/fixtures\/photos\/full-body\.jpg\s+full body$/m)
    expect(served.log()).toMatch(/ GET \/api\/v1\/uploads 200 /)
    expect(served.log()).toMatch(/ POST \/oss-upload 200 /)

    const resolve = { 'x-dashscope-ossresourceresolve': 'enable' }
    expect(
      await post(served.url, detectBody('oss://aa-check/unknown/none.jpg'), KEY, resolve),
    ).toMatchObject({
      status: 400,
      json: {
        code: 'InvalidURL.ObjectNotFound',
        message: expect.stringContaining('upload the file again') as unknown,
      },
    })
    expect(await post(served.url, detectBody('oss://aa-check/unknown/none.jpg'))).toMatchObject({
      status: 400,
      json: { code: 'InvalidParameter' },
    })

    const policyUrl = `${served.url}/api/v1/uploads?action=getPolicy&model=animate-anyone-detect-gen2`
    expect((await fetch(policyUrl)).status).toBe(401)
    const policy = (await (
      await fetch(policyUrl, { headers: { authorization: `Bearer ${KEY}` } })
    ).json()) as { data: Record<string, string> }
    expect(policy.data.upload_host).toBe(`${served.url}/oss-upload`)
    const upload = async (fields: Record<string, string>) => {
      const form = new FormData()
      form.set('OSSAccessKeyId', policy.data.oss_access_key_id ?? '')
      form.set('policy', policy.data.policy ?? '')
      form.set('Signature', policy.data.signature ?? '')
      form.set('key', `${policy.data.upload_dir ?? ''}/a.jpg`)
      form.set('success_action_status', '200')
      for (const [name, value] of Object.entries(fields)) form.set(name, value)
      form.set('file', new Blob([await readFile(join(ROOT, 'test/fixtures/photos/half-body.jpg'))]))
      const response = await fetch(policy.data.upload_host ?? '', { method: 'POST', body: form })
      return { status: response.status, text: await response.text() }
    }
    expect(await upload({ Signature: 'forged' })).toMatchObject({
      status: 403,
      text: expect.stringContaining('AccessDenied') as unknown,
    })
    expect(await upload({ key: 'aa-check/other/a.jpg' })).toMatchObject({ status: 403 })
    expect(await upload({})).toMatchObject({ status: 200, text: '' })
    expect(
      await post(
        served.url,
        detectBody(`oss://${policy.data.upload_dir ?? ''}/a.jpg`),
        KEY,
        resolve,
      ),
    ).toMatchObject({ status: 200, json: { output: { bodystyle: 'half' } } })
  })

  it('refuses to serve beyond loopback without a key unless --no-auth; on loopback says who can use it', async () => {
    const refused = await cli(['serve', '--host', '0.0.0.0', '--port', '0'])
    expect(refused.code).toBe(2)
    expect(refused.stderr).toContain(
      'Refusing to serve on 0.0.0.0 without a key: anyone who can reach it could use it. Set $AA_CHECK_SERVE_API_KEY or --api-key-file, or pass --no-auth.',
    )
    const open = await startServe(['--host', '0.0.0.0', '--no-auth'])
    expect(open.log()).toContain(
      'warning: --no-auth: anyone who can reach 0.0.0.0 can use this server',
    )
    const local = await startServe([])
    expect(
      local
        .log()
        .split('\n')
        .filter((line) => line.includes('any local process')),
    ).toEqual([
      'aa-check serve: no key set ($AA_CHECK_SERVE_API_KEY or --api-key-file): any local process can use this server',
    ])
    const keyed = await startServe([], { AA_CHECK_SERVE_API_KEY: KEY })
    expect(keyed.log()).not.toContain('any local process')
  })

  it('serves the DashScope Python SDK’s own requests: policy, form upload, oss:// with the resolve header', async () => {
    const served = await startServe([], {
      AA_CHECK_SERVE_API_KEY: KEY,
    })
    const photo = await readFile(join(ROOT, 'test/fixtures/photos/full-body.jpg'))
    const { answer, data } = await sdkGetPolicy(served.url, 'animate-anyone-detect-gen2', KEY)
    expect(answer.status).toBe(200)
    for (const name of [
      'my photo (1).jpg',
      '照片.jpg',
      'avatar@2x.png',
      'a+b,c~d.jpg',
      'Ünïcödé café.jpeg',
    ]) {
      const uploaded = await sdkUpload(data, name, photo)
      expect(uploaded, name).toMatchObject({ status: 200, text: '' })
      expect(uploaded.key).toBe(`${data.upload_dir ?? ''}/${name}`)
      const detected = await sdkCall(
        `${served.url}${DETECT}`,
        KEY,
        detectBody(`oss://${uploaded.key}`),
        {
          ossResolve: true,
        },
      )
      expect(detected, name).toMatchObject({
        status: 200,
        json: { output: { check_pass: true, bodystyle: 'full' }, usage: { image_count: 1 } },
      })
    }
    // dashscope's async_call sends X-DashScope-Async: enable and reads output.task_id.
    expect(
      await sdkCall(`${served.url}${DETECT}`, KEY, detectBody('oss://x/y.jpg'), {
        ossResolve: true,
        async: true,
      }),
    ).toMatchObject({
      status: 403,
      json: {
        code: 'AccessDenied',
        message: 'current user api does not support asynchronous calls',
      },
    })
    const big = await sdkUpload(data, 'big.jpg', new Uint8Array(5 * 1024 * 1024 + 1))
    expect(big.status).toBe(413)
    expect(JSON.parse(big.text)).toMatchObject({ message: 'The file is larger than 5 MB.' })
  })

  it('cuts off an upload trickled one byte at a time at --upload-timeout, serving others meanwhile', async () => {
    const served = await startServe(['--upload-timeout', '1', '--upload-min-rate', '0'], {
      AA_CHECK_SERVE_API_KEY: KEY,
    })
    const { data } = await sdkGetPolicy(served.url, 'animate-anyone-detect-gen2', KEY)
    const { body, headers } = sdkUploadRequest(data, 'slow.jpg', new Uint8Array(50_000))
    const port = new URL(served.url).port
    const started = performance.now()
    const socket = connect({ host: '127.0.0.1', port: Number(port) })
    let answer = ''
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString()))
    socket.on('error', () => undefined)
    socket.write(
      `POST /oss-upload HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: ${headers['Content-Type'] ?? ''}\r\nContent-Length: ${body.length}\r\n\r\n`,
    )
    let sent = 0
    const timer = setInterval(() => socket.write(body.subarray(sent, ++sent)), 20)
    const closed = new Promise<number>((resolve) =>
      socket.once('close', () => resolve(performance.now() - started)),
    )
    try {
      const photo = await readFile(join(ROOT, 'test/fixtures/photos/half-body.jpg'))
      expect((await sdkUpload(data, 'fast.jpg', photo)).status).toBe(200)
      const ms = await closed
      expect(ms).toBeGreaterThan(900)
      expect(ms).toBeLessThan(3000)
      expect(answer).toMatch(/^HTTP\/1\.1 400 /)
      expect(answer).toContain('RequestTimeout')
    } finally {
      clearInterval(timer)
      socket.destroy()
    }
  })

  it('serves the action unchanged: action → serve → photo server', async () => {
    const served = await startServe(['--allow-private', '--api-key', KEY])
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
  it('writes the PR comment report for a folder', async () => {
    const run = await cli(['audit', 'test/fixtures/photos', '--exclude', '**/*.webp'])
    expect(run.code).toBe(1)
    expect(run.stdout).toContain('<!-- animate-anyone-check -->')
    expect(run.stdout).toContain('| 5 | 2 | 3 | 0 |')
    expect(run.stdout).toContain('#### ❌ `InvalidFile.BodyPose`')
  })

  it('writes JSON to a file with --output', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'aa-audit-'))
    const out = join(dir, 'audit.json')
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
    await rm(dir, { recursive: true, force: true })
  })
})
