import { connect, type Socket } from 'node:net'
import type { AddressInfo } from 'node:net'
import { describe, expect, it, onTestFinished } from 'vitest'
import { createDetectionServer, type ServeOptions } from '../../../src/serve/server.js'
import {
  sdkCall,
  sdkGetPolicy,
  sdkUpload,
  sdkUploadRequest,
  send,
} from '../../helpers/dashscope-sdk.js'

const KEY = 'sk-serve-unit'
const MODEL = 'animate-anyone-detect-gen2'
const DETECT = '/api/v1/services/aigc/image2video/aa-detect'
const MB = 1024 * 1024
const PHOTO = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4])

/** serve in this process, with a detector that passes everything, on a free loopback port. */
async function startServe(options: Partial<ServeOptions> = {}) {
  const log: string[] = []
  const { server, close } = createDetectionServer({
    detector: {
      analyse: () => Promise.resolve({ detection: { status: 'pass', bodystyle: 'full' } }),
    },
    apiKey: KEY,
    model: MODEL,
    concurrency: 1,
    queue: 4,
    downloads: 1,
    downloadQueue: 1,
    allowPrivate: false,
    fetchTimeoutMs: 1000,
    maxImageBytes: 5 * MB,
    uploadStoreBytes: 64 * MB,
    uploadPace: { timeoutMs: 10_000, minBytesPerSecond: 0, graceMs: 0 },
    uploadsPerClient: 100,
    log: (line) => log.push(line),
    ...options,
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  onTestFinished(async () => {
    server.closeAllConnections()
    await close()
  })
  const { port } = server.address() as AddressInfo
  return { url: `http://127.0.0.1:${port}`, port, log }
}

interface Trickler {
  socket: Socket
  /** What the server answered, if anything. */
  answer: () => string
  /** Resolves with the ms from connecting to the server closing the connection. */
  closed: Promise<number>
}

/**
 * A real socket that sends an upload's request head, then `prefix` at once, then `body` one byte
 * every `everyMs`, from `localAddress` (any 127.0.0.0/8 address on Linux).
 */
function trickle(
  port: number,
  {
    prefix,
    body,
    contentType,
    everyMs = 20,
    localAddress = '127.0.0.1',
  }: {
    prefix: Buffer
    body: Buffer
    contentType: string
    everyMs?: number
    localAddress?: string
  },
): Trickler {
  const started = performance.now()
  const socket = connect({ host: '127.0.0.1', port, localAddress })
  let answer = ''
  let sent = 0
  socket.on('data', (chunk: Buffer) => (answer += chunk.toString('utf8')))
  socket.on('error', () => undefined)
  socket.once('connect', () => {
    socket.write(
      `POST /oss-upload HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: ${contentType}\r\n` +
        `Content-Length: ${prefix.length + body.length}\r\n\r\n`,
    )
    socket.write(prefix)
  })
  const timer = setInterval(() => {
    if (sent < body.length && socket.writable) socket.write(body.subarray(sent, ++sent))
  }, everyMs)
  const closed = new Promise<number>((resolve) =>
    socket.once('close', () => {
      clearInterval(timer)
      resolve(performance.now() - started)
    }),
  )
  onTestFinished(() => {
    socket.destroy()
  })
  return { socket, answer: () => answer, closed }
}

/** A well-formed SDK upload's bytes, split where the file's bytes begin. */
function splitAtFile(policy: Record<string, string>, name: string, bytes: Uint8Array) {
  const request = sdkUploadRequest(policy, name, bytes)
  const fileStart = request.body.indexOf('filename=')
  const cut = request.body.indexOf('\r\n\r\n', fileStart) + 4
  return {
    prefix: request.body.subarray(0, cut),
    body: request.body.subarray(cut),
    contentType: request.headers['Content-Type'] ?? '',
  }
}

const detect = (url: string, key: string, imageUrl: string, async = false) =>
  sdkCall(
    `${url}${DETECT}`,
    key,
    { model: MODEL, input: { image_url: imageUrl }, parameters: {} },
    { ossResolve: true, async },
  )

describe('serve uploads: slots cannot be held by trickling bodies', () => {
  it('keeps uploads working while eight keyless sockets trickle, and cuts them at the deadline', async () => {
    const served = await startServe({
      uploadPace: { timeoutMs: 1500, minBytesPerSecond: 0, graceMs: 0 },
    })
    // No key, so no policy: a form with a made-up signature, sent one byte at a time.
    const forged = splitAtFile(
      {
        upload_dir: 'aa-check/x',
        oss_access_key_id: 'aa-check-serve',
        signature: 'forged',
        policy: 'e30=',
      },
      'a.jpg',
      new Uint8Array(100_000),
    )
    const tricklers = Array.from({ length: 8 }, () =>
      trickle(served.port, {
        prefix: Buffer.alloc(0),
        body: Buffer.concat([forged.prefix, forged.body]),
        contentType: forged.contentType,
      }),
    )
    await new Promise((resolve) => setTimeout(resolve, 300))
    const { data } = await sdkGetPolicy(served.url, MODEL, KEY)
    const uploads = await Promise.all(
      ['a.jpg', 'b.jpg', 'c.jpg'].map((name) => sdkUpload(data, name, PHOTO)),
    )
    expect(uploads.map((upload) => upload.status)).toEqual([200, 200, 200])
    for (const trickler of tricklers) {
      const ms = await trickler.closed
      expect(ms).toBeGreaterThan(1400)
      expect(ms).toBeLessThan(2500)
      expect(trickler.answer()).toMatch(/^HTTP\/1\.1 400 /)
      expect(trickler.answer()).toContain('"code":"RequestTimeout"')
      expect(trickler.answer()).toContain('did not arrive within 1.5 s')
    }
  })

  it('cuts off a keyed upload that sends its file slower than the minimum rate', async () => {
    const served = await startServe({
      uploadPace: { timeoutMs: 10_000, minBytesPerSecond: 2048, graceMs: 300 },
    })
    const { data } = await sdkGetPolicy(served.url, MODEL, KEY)
    const slow = trickle(served.port, splitAtFile(data, 'slow.jpg', new Uint8Array(100_000)))
    const ms = await slow.closed
    expect(ms).toBeLessThan(1500)
    expect(slow.answer()).toContain('"code":"RequestTimeout"')
    expect(slow.answer()).toContain('slower than 2 KB/s')
    expect((await sdkUpload(data, 'fast.jpg', PHOTO)).status).toBe(200)
  })

  it('refuses a forged signature from the fields before the file, without waiting for it', async () => {
    const served = await startServe()
    const { data } = await sdkGetPolicy(served.url, MODEL, KEY)
    const forged = trickle(
      served.port,
      splitAtFile({ ...data, signature: 'forged' }, 'a.jpg', new Uint8Array(100_000)),
    )
    await expect.poll(() => forged.answer(), { timeout: 1000 }).toMatch(/^HTTP\/1\.1 403 /)
    expect(forged.answer()).toContain('"code":"AccessDenied"')
    expect(forged.answer()).toContain('the signature does not match the policy before the file')
  })

  it('caps uploads in flight per client address', async () => {
    const served = await startServe({ uploadsPerClient: 2 })
    const { data } = await sdkGetPolicy(served.url, MODEL, KEY)
    // 127.0.0.2 is another client address on the loopback network.
    const holders = ['a.jpg', 'b.jpg'].map((name) =>
      trickle(served.port, {
        ...splitAtFile(data, name, new Uint8Array(100_000)),
        localAddress: '127.0.0.2',
      }),
    )
    await new Promise((resolve) => setTimeout(resolve, 200))
    const third = trickle(served.port, {
      ...splitAtFile(data, 'c.jpg', new Uint8Array(100_000)),
      localAddress: '127.0.0.2',
    })
    await expect.poll(() => third.answer(), { timeout: 1000 }).toMatch(/^HTTP\/1\.1 429 /)
    expect(third.answer()).toContain('Too many uploads in flight from this address')
    expect((await sdkUpload(data, 'd.jpg', PHOTO)).status).toBe(200)
    for (const holder of holders) expect(holder.answer()).toBe('')
  })
})

describe('serve uploads: what the DashScope SDK sends', () => {
  it.each([
    'my photo (1).jpg',
    '照片.jpg',
    'avatar@2x.png',
    'a+b,c~d.jpeg',
    'Ünïcödé café.webp',
    'quote"name.jpg',
  ])('takes a file named %s and detects its oss:// URL', async (name) => {
    const served = await startServe()
    const { data } = await sdkGetPolicy(served.url, MODEL, KEY)
    const uploaded = await sdkUpload(data, name, PHOTO)
    expect(uploaded).toMatchObject({ status: 200, text: '' })
    expect(await detect(served.url, KEY, `oss://${uploaded.key}`)).toMatchObject({
      status: 200,
      json: { output: { check_pass: true, bodystyle: 'full' } },
    })
  })

  it.each(['a\u0001.jpg', 'line\nbreak.jpg', '../escape.jpg', 'a/./b.jpg', 'a//b.jpg', 'dir/'])(
    'refuses the key name %j',
    async (name) => {
      const served = await startServe()
      const { data } = await sdkGetPolicy(served.url, MODEL, KEY)
      const { body, headers } = sdkUploadRequest(data, 'x.jpg', PHOTO)
      // The key field as given, beside a harmless file name.
      const text = body.toString('latin1').replace(`/x.jpg\r\n`, `/${name}\r\n`)
      const forged = Buffer.from(text, 'latin1')
      const answer = await send(data.upload_host ?? '', 'POST', headers, forged)
      expect(answer.status).toBe(403)
      expect(answer.text).toContain('AccessDenied')
    },
  )

  it('answers an asynchronous call as a synchronous-only DashScope service does', async () => {
    const served = await startServe()
    expect(await detect(served.url, KEY, 'oss://aa-check/x/a.jpg', true)).toMatchObject({
      status: 403,
      json: {
        code: 'AccessDenied',
        message: 'current user api does not support asynchronous calls',
      },
    })
  })

  it('answers an oss:// URL it does not hold with InvalidURL.ObjectNotFound, not InvalidURL', async () => {
    const served = await startServe()
    const answer = await detect(served.url, KEY, 'oss://aa-check/gone/a.jpg')
    expect(answer).toMatchObject({
      status: 400,
      json: {
        code: 'InvalidURL.ObjectNotFound',
        message: expect.stringContaining('upload the file again') as unknown,
      },
    })
  })

  it('says the file limit the policy states in a 413', async () => {
    const served = await startServe()
    const { data } = await sdkGetPolicy(served.url, MODEL, KEY)
    expect(data.max_file_size_mb).toBe(5)
    for (const size of [5 * MB + 1, 5 * MB + 200 * 1024]) {
      const answer = await sdkUpload(data, 'big.jpg', new Uint8Array(size))
      expect(answer.status).toBe(413)
      expect(JSON.parse(answer.text)).toMatchObject({
        code: 'RequestTooLarge',
        message: 'The file is larger than 5 MB.',
      })
    }
  })
})

describe('a keyless server', () => {
  /** A raw request with a Host header of our choosing, as a rebinding web page would send it. */
  async function statusFor(port: number, host: string): Promise<number> {
    const socket = connect(port, '127.0.0.1')
    onTestFinished(() => {
      socket.destroy()
    })
    socket.write(
      `POST ${DETECT} HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`,
    )
    let text = ''
    for await (const chunk of socket) text += String(chunk)
    return Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0)
  }

  it('answers only requests addressed to localhost or a loopback address (no DNS rebinding)', async () => {
    const { port } = await startServe({ apiKey: undefined })
    expect(await statusFor(port, 'evil.example:8080')).toBe(403)
    expect(await statusFor(port, `127.0.0.1:${port}`)).not.toBe(403)
    expect(await statusFor(port, `localhost:${port}`)).not.toBe(403)
    expect(await statusFor(port, `[::1]:${port}`)).not.toBe(403)
  })

  it('answers every host with --no-auth', async () => {
    const { port } = await startServe({ apiKey: undefined, openWithoutKey: true })
    expect(await statusFor(port, 'photos.internal:8080')).not.toBe(403)
  })
})
