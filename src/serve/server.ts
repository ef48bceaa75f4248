import { randomUUID, timingSafeEqual } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import PQueue from 'p-queue'
import { Response } from 'undici'
import { errorMessage } from '../core/errors.js'
import type { Detection } from '../detect/types.js'
import { OBJECT_MISSING_CODE } from '../detect/dashscope/response.js'
import { hostOfHeader, isLoopbackHost } from './loopback.js'
import { FetchRefused, SafeFetcher } from './safe-fetch.js'
import { TemporaryStorage, UPLOAD_HOST_PATH, UPLOADS_PATH } from './uploads.js'
import { BodyTooLargeError } from '../core/http-body.js'
import {
  PacedBody,
  UploadTooSlowError,
  leadingFields,
  multipartBoundary,
  type UploadPace,
} from './upload-body.js'

export const DETECT_PATH = '/api/v1/services/aigc/image2video/aa-detect'
const MAX_BODY_BYTES = 64 * 1024
/** Room for the form fields around the file in an upload. */
const MAX_FORM_OVERHEAD_BYTES = 64 * 1024
/** Uploads read at once, their policy and signature checked: each holds up to a file's bytes. */
const MAX_UPLOADS_IN_FLIGHT = 8
/** Uploads being received (their fields not yet checked, or their file arriving) at most. */
const MAX_UPLOADS_RECEIVING = 64
const UPLOAD_TTL_MS = 300_000
/**
 * After a 413, how much more of the body is read and dropped: a client still sending when the
 * connection closed would see a broken pipe instead of the answer.
 */
const DISCARD_BYTES = 16 * 1024 * 1024
const DISCARD_MS = 10_000

/** What the server needs of a detector: a verdict for an image's bytes. */
export interface BytesDetector {
  analyse(bytes: Uint8Array): Promise<{ detection: Detection }>
}

export interface ServeOptions {
  detector: BytesDetector
  /** Required as `Authorization: Bearer <key>` when set. */
  apiKey: string | undefined
  /**
   * Without a key, whether requests addressed to any host are answered (`--no-auth`). Otherwise a
   * keyless server answers only requests whose Host is localhost or a loopback address, so a web
   * page cannot reach it through DNS rebinding.
   */
  openWithoutKey?: boolean
  model: string
  /** Detections at once. */
  concurrency: number
  /** Downloaded images allowed to wait for a detection; beyond that, 429 Throttling. */
  queue: number
  /** Image downloads at once, apart from the detections so a slow image host holds no detection. */
  downloads: number
  /** Requests allowed to wait for a download; beyond that, 429 Throttling. */
  downloadQueue: number
  allowPrivate: boolean
  /** Deadline of one whole download. */
  fetchTimeoutMs: number
  maxImageBytes: number
  /** All uploaded images held together (the temporary storage behind `oss://` URLs). */
  uploadStoreBytes: number
  /** How fast an upload's body must arrive; slower ones are cut off (400 RequestTimeout). */
  uploadPace: UploadPace
  /** Uploads in flight from one client address, checked or not; beyond that, 429 Throttling. */
  uploadsPerClient: number
  /** One line per request, never with secrets. */
  log: (line: string) => void
}

interface Answer {
  status: number
  /** No body for an upload's success, as OSS answers. */
  body: Record<string, unknown> | undefined
  code?: string
  /** The request body was refused unread: discard the rest before the connection is reused. */
  unread?: true
  /** End the connection after the answer, whatever is left unread. */
  close?: true
}

const error = (status: number, code: string, message: string, requestId: string): Answer => ({
  status,
  code,
  body: { code, message, request_id: requestId },
})

const tooLarge = (maxBytes: number, requestId: string, what = 'request body'): Answer => ({
  ...error(
    413,
    'RequestTooLarge',
    `The ${what} is larger than ${formatBytes(maxBytes)}.`,
    requestId,
  ),
  unread: true,
})

/** DashScope's answer to `X-DashScope-Async: enable` on a service that only answers at once. */
export const ASYNC_REFUSED_MESSAGE = 'current user api does not support asynchronous calls'

/**
 * The local detector behind DashScope's aa-detect API: the same request, the same success and error
 * bodies, statuses and codes, so the action or any DashScope client can point `endpoint` at it.
 * DashScope's temporary storage is served too (policy, upload, `oss://` URLs) for clients that
 * send local files.
 */
export function createDetectionServer(options: ServeOptions): {
  server: Server
  close: () => Promise<void>
} {
  const work = new PQueue({ concurrency: options.concurrency })
  const downloads = new PQueue({ concurrency: options.downloads })
  const fetcher = new SafeFetcher({
    allowPrivate: options.allowPrivate,
    timeoutMs: options.fetchTimeoutMs,
    maxBytes: options.maxImageBytes,
    maxRedirects: 3,
    connections: options.downloads,
  })
  const storage = new TemporaryStorage({
    maxFileBytes: options.maxImageBytes,
    maxTotalBytes: options.uploadStoreBytes,
    policyTtlMs: UPLOAD_TTL_MS,
    objectTtlMs: UPLOAD_TTL_MS,
  })
  const sweeper = setInterval(() => storage.sweep(), 10_000).unref()
  let uploading = 0
  const uploadsByClient = new Map<string, number>()
  const inFlight = new Set<Promise<void>>()
  const expectedKey =
    options.apiKey === undefined ? undefined : Buffer.from(`Bearer ${options.apiKey}`)

  const authorized = (req: IncomingMessage): boolean => {
    if (expectedKey === undefined)
      return options.openWithoutKey === true || isLoopbackHost(hostOfHeader(req.headers.host ?? ''))
    const given = Buffer.from(req.headers.authorization ?? '')
    return given.length === expectedKey.length && timingSafeEqual(given, expectedKey)
  }
  const unauthorized = (requestId: string) =>
    expectedKey === undefined
      ? error(
          403,
          'AccessDenied',
          'This server has no key and answers only requests addressed to localhost or a loopback address.',
          requestId,
        )
      : error(401, 'InvalidApiKey', 'Invalid API-key provided.', requestId)
  const full = (queue: PQueue, concurrency: number, waiting: number) =>
    queue.pending >= concurrency && queue.size >= waiting
  const detectionsFull = () => full(work, options.concurrency, options.queue)
  const throttled = (requestId: string) =>
    error(429, 'Throttling', 'Too many requests in flight; retry later.', requestId)

  /** The image's bytes from its URL, or the answer that ends the request. */
  async function imageBytes(
    req: IncomingMessage,
    imageUrl: string,
    requestId: string,
  ): Promise<Uint8Array | Answer> {
    if (imageUrl.startsWith('oss://')) {
      if (req.headers['x-dashscope-ossresourceresolve'] !== 'enable') {
        return error(
          400,
          'InvalidParameter',
          'oss:// URLs need the header X-DashScope-OssResourceResolve: enable.',
          requestId,
        )
      }
      const bytes = storage.get(imageUrl.slice('oss://'.length))
      if (bytes !== undefined) return bytes
      return error(
        400,
        OBJECT_MISSING_CODE,
        `${imageUrl} is not in this server's temporary storage (expired, evicted or never uploaded); upload the file again.`,
        requestId,
      )
    }
    // Checked before downloading too, so a full server does not fetch an image it will refuse.
    if (detectionsFull() || full(downloads, options.downloads, options.downloadQueue)) {
      return throttled(requestId)
    }
    try {
      return await downloads.add(() => fetcher.fetch(imageUrl))
    } catch (cause) {
      if (cause instanceof FetchRefused) return error(400, cause.code, cause.message, requestId)
      throw cause
    }
  }

  async function detect(req: IncomingMessage, requestId: string): Promise<Answer> {
    if (!authorized(req)) return unauthorized(requestId)
    if (String(req.headers['x-dashscope-async'] ?? '').toLowerCase() === 'enable') {
      return { ...error(403, 'AccessDenied', ASYNC_REFUSED_MESSAGE, requestId), unread: true }
    }
    if (!/^application\/(?:[\w.-]+\+)?json\s*(?:;|$)/i.test(req.headers['content-type'] ?? '')) {
      return error(
        400,
        'InvalidParameter',
        `Content-Type must be application/json, not "${req.headers['content-type'] ?? ''}".`,
        requestId,
      )
    }
    let text: string
    try {
      text = (await readBody(req, MAX_BODY_BYTES)).toString('utf8')
    } catch (cause) {
      if (cause instanceof BodyTooLargeError) return tooLarge(MAX_BODY_BYTES, requestId)
      if (cause instanceof UploadTooSlowError) {
        return { ...error(400, 'RequestTimeout', cause.message, requestId), close: true }
      }
      throw cause
    }
    let body: unknown
    try {
      body = JSON.parse(text)
    } catch (cause) {
      return error(
        400,
        'InvalidParameter',
        `The request body is not JSON: ${errorMessage(cause)}`,
        requestId,
      )
    }
    const request = body as { model?: unknown; input?: { image_url?: unknown } } | null
    if (request?.model !== options.model) {
      return error(400, 'InvalidParameter', `model must be "${options.model}".`, requestId)
    }
    const imageUrl = request.input?.image_url
    if (typeof imageUrl !== 'string' || imageUrl === '') {
      return error(400, 'InvalidParameter', 'input.image_url is required.', requestId)
    }
    const bytes = await imageBytes(req, imageUrl, requestId)
    if (!(bytes instanceof Uint8Array)) return bytes
    // Detection slots and their queue hold downloaded bytes only, so their bound is a memory bound.
    if (detectionsFull()) return throttled(requestId)
    return work.add(async (): Promise<Answer> => {
      // A detector may hold the event loop for a whole image, and the queue starts the next one
      // at once: let waiting I/O (downloads, deadlines, new requests, 429s) in between.
      await new Promise((resolve) => setImmediate(resolve))
      const { detection } = await options.detector.analyse(bytes)
      if (detection.status === 'pass') {
        return {
          status: 200,
          body: {
            output: { check_pass: true, bodystyle: detection.bodystyle },
            usage: { image_count: 1 },
            request_id: requestId,
          },
        }
      }
      if (detection.status === 'reject') {
        return error(
          400,
          detection.code ?? 'InvalidFile.Content',
          detection.message ?? 'Rejected.',
          requestId,
        )
      }
      return error(500, 'InternalError', detection.message ?? 'The detector failed.', requestId)
    })
  }

  function policy(req: IncomingMessage, requestId: string): Answer {
    if (!authorized(req)) return unauthorized(requestId)
    const query = new URL(req.url ?? '/', 'http://localhost').searchParams
    if (query.get('action') !== 'getPolicy') {
      return error(400, 'InvalidParameter', 'action must be "getPolicy".', requestId)
    }
    if (query.get('model') !== options.model) {
      return error(400, 'InvalidParameter', `model must be "${options.model}".`, requestId)
    }
    return {
      status: 200,
      body: { request_id: requestId, data: storage.issuePolicy(uploadHost(req)) },
    }
  }

  async function upload(req: IncomingMessage, requestId: string): Promise<Answer> {
    const client = req.socket.remoteAddress ?? ''
    const fromClient = uploadsByClient.get(client) ?? 0
    // Every client address together too: many addresses (an IPv6 prefix) hold no more than this.
    const receiving = [...uploadsByClient.values()].reduce((sum, count) => sum + count, 0)
    if (fromClient >= options.uploadsPerClient || receiving >= MAX_UPLOADS_RECEIVING) {
      return {
        ...error(
          429,
          'Throttling',
          fromClient >= options.uploadsPerClient
            ? 'Too many uploads in flight from this address; retry later.'
            : 'Too many uploads in flight; retry later.',
          requestId,
        ),
        unread: true,
      }
    }
    uploadsByClient.set(client, fromClient + 1)
    try {
      return await receiveUpload(req, requestId)
    } finally {
      const left = (uploadsByClient.get(client) ?? 1) - 1
      if (left === 0) uploadsByClient.delete(client)
      else uploadsByClient.set(client, left)
    }
  }

  /**
   * An upload in two steps: the form fields before the file, whose policy and signature are
   * checked before the upload takes one of the slots; then the file, within the same deadline and
   * minimum rate, in a slot.
   */
  async function receiveUpload(req: IncomingMessage, requestId: string): Promise<Answer> {
    const contentType = req.headers['content-type'] ?? ''
    const boundary = multipartBoundary(contentType)
    if (boundary === undefined) {
      return {
        ...error(
          400,
          'InvalidArgument',
          'Content-Type must be multipart/form-data with a boundary.',
          requestId,
        ),
        unread: true,
      }
    }
    const maxBytes = options.maxImageBytes + MAX_FORM_OVERHEAD_BYTES
    const fileTooLarge = () => tooLarge(options.maxImageBytes, requestId, 'file')
    if (Number(req.headers['content-length'] ?? 0) > maxBytes) return fileTooLarge()
    const body = new PacedBody(req, maxBytes, options.uploadPace)
    let form
    try {
      const head = await body.prefix(
        (bytes) =>
          bytes.length > MAX_FORM_OVERHEAD_BYTES ||
          leadingFields(bytes, boundary).state === 'complete',
      )
      const leading = leadingFields(head, boundary)
      if (leading.state === 'incomplete' && head.length > MAX_FORM_OVERHEAD_BYTES) {
        return {
          ...error(
            400,
            'InvalidArgument',
            `The form fields before the file take more than ${formatBytes(MAX_FORM_OVERHEAD_BYTES)}.`,
            requestId,
          ),
          unread: true,
        }
      }
      if (leading.state === 'complete') {
        const field = (name: string) => leading.fields.get(name)
        const refusal = storage.refusal({
          accessKeyId: field('OSSAccessKeyId'),
          policy: field('policy'),
          signature: field('Signature'),
          key: field('key'),
        })
        if (refusal !== undefined) {
          const where = leading.file ? ' before the file (file must be the last form field)' : ''
          return { ...error(403, 'AccessDenied', `${refusal}${where}.`, requestId), unread: true }
        }
      }
      if (uploading >= MAX_UPLOADS_IN_FLIGHT) return { ...throttled(requestId), unread: true }
      uploading++
      try {
        const whole = await body.whole()
        // Deprecated for untrusted bodies because it buffers them whole: this one is capped above.
        // eslint-disable-next-line @typescript-eslint/no-deprecated
        form = await new Response(whole, { headers: { 'content-type': contentType } }).formData()
      } finally {
        uploading--
      }
    } catch (cause) {
      if (cause instanceof BodyTooLargeError) return fileTooLarge()
      if (cause instanceof UploadTooSlowError) {
        return { ...error(400, 'RequestTimeout', cause.message, requestId), close: true }
      }
      return error(400, 'InvalidArgument', `Unreadable form: ${errorMessage(cause)}`, requestId)
    } finally {
      body.stop()
    }
    const text = (name: string) => {
      const value = form.get(name)
      return typeof value === 'string' ? value : undefined
    }
    const key = text('key')
    const refusal = storage.refusal({
      accessKeyId: text('OSSAccessKeyId'),
      policy: text('policy'),
      signature: text('Signature'),
      key,
    })
    if (refusal !== undefined || key === undefined) {
      return error(403, 'AccessDenied', refusal ?? 'key is required.', requestId)
    }
    const file = form.get('file')
    if (file === null || typeof file === 'string') {
      return error(400, 'InvalidArgument', 'The form has no file.', requestId)
    }
    if (file.size > options.maxImageBytes) {
      return error(
        413,
        'RequestTooLarge',
        `The file is larger than ${formatBytes(options.maxImageBytes)}.`,
        requestId,
      )
    }
    if (storage.put(key, new Uint8Array(await file.arrayBuffer())) === 'full') {
      return error(429, 'Throttling', 'The temporary storage is full; retry later.', requestId)
    }
    const status = text('success_action_status') === '200' ? 200 : 204
    return { status, body: undefined }
  }

  async function route(req: IncomingMessage, path: string, requestId: string): Promise<Answer> {
    const routes: Record<string, Partial<Record<string, () => Answer | Promise<Answer>>>> = {
      '/healthz': {
        GET: () => ({
          status: 200,
          body: {
            status: 'ok',
            inFlight: work.pending,
            waiting: work.size,
            downloading: downloads.pending,
            downloadsWaiting: downloads.size,
            uploads: storage.stats(),
          },
        }),
      },
      [DETECT_PATH]: { POST: () => detect(req, requestId) },
      [UPLOADS_PATH]: { GET: () => policy(req, requestId) },
      [UPLOAD_HOST_PATH]: { POST: () => upload(req, requestId) },
    }
    const methods = routes[path]
    if (methods === undefined) return error(404, 'NotFound', `No such path: ${path}`, requestId)
    const handler = methods[req.method ?? '']
    if (handler === undefined) {
      return error(405, 'MethodNotAllowed', `Use ${Object.keys(methods).join(' or ')}.`, requestId)
    }
    return handler()
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now()
    const requestId = randomUUID()
    const path = (req.url ?? '/').split('?')[0] ?? '/'
    let answer: Answer
    try {
      answer = await route(req, path, requestId)
    } catch (cause) {
      answer = error(500, 'InternalError', errorMessage(cause), requestId)
    }
    // Past the limit of what is worth discarding, the connection ends with the answer.
    const close = answer.close === true || (answer.unread === true && !discardRest(req))
    const headers: Record<string, string> = close ? { connection: 'close' } : {}
    // Whatever the client still sends is never read.
    if (answer.close === true) res.once('finish', () => req.socket.destroy())
    if (answer.body === undefined) {
      res.writeHead(answer.status, { ...headers, 'content-length': '0' })
      res.end()
    } else {
      res.writeHead(answer.status, {
        ...headers,
        'content-type': 'application/json; charset=utf-8',
      })
      res.end(JSON.stringify(answer.body))
    }
    const ms = (performance.now() - started).toFixed(0)
    options.log(
      `${new Date().toISOString()} ${req.method ?? '-'} ${path} ${answer.status} ${ms}ms${answer.code === undefined ? '' : ` ${answer.code}`} request_id=${requestId}`,
    )
  }

  const server = createServer((req, res) => {
    const handled = handle(req, res)
    inFlight.add(handled)
    void handled.finally(() => inFlight.delete(handled))
  })
  // Node cuts any request at requestTimeout (300 s): an upload deadline past it must still hold.
  server.requestTimeout = Math.max(server.requestTimeout, options.uploadPace.timeoutMs + 5000)
  return {
    server,
    /** Stops accepting connections, lets in-flight requests finish, then releases everything. */
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      server.closeIdleConnections()
      await Promise.allSettled([...inFlight])
      // Connections that carried those requests are idle now; keep-alive would hold them open.
      server.closeIdleConnections()
      await closed
      clearInterval(sweeper)
      await fetcher.close()
    },
  }
}

/**
 * `upload_host` as the client reached this server: its Host header (checked, as it comes back in
 * the answer), or the socket's own address.
 */
function uploadHost(req: IncomingMessage): string {
  const proto = req.headers['x-forwarded-proto'] === 'https' ? 'https' : 'http'
  const host = req.headers.host ?? ''
  if (/^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/.test(host)) {
    return `${proto}://${host}${UPLOAD_HOST_PATH}`
  }
  const { localAddress = '127.0.0.1', localPort = 0 } = req.socket
  const address = localAddress.includes(':') ? `[${localAddress}]` : localAddress
  return `${proto}://${address}:${localPort}${UPLOAD_HOST_PATH}`
}

/** A JSON request body is 64 KiB at most: it must arrive within this, however it is trickled. */
const JSON_BODY_PACE = { timeoutMs: 10_000, minBytesPerSecond: 0, graceMs: 0 }

/**
 * Reads a request body whole, within a deadline; a body over `maxBytes` is refused before or while
 * it arrives, and its rest is left unread (not destroyed), so the 413 can still be sent.
 */
async function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  if (Number(req.headers['content-length'] ?? 0) > maxBytes) throw new BodyTooLargeError(maxBytes)
  const body = new PacedBody(req, maxBytes, JSON_BODY_PACE)
  try {
    return await body.whole()
  } finally {
    body.stop()
  }
}

/**
 * Drops the unread rest of a request body, within limits (past them, the connection is cut);
 * false when the declared length is already past them.
 */
function discardRest(req: IncomingMessage): boolean {
  if (Number(req.headers['content-length'] ?? 0) > DISCARD_BYTES) return false
  const cut = () => req.socket.destroy()
  const timer = setTimeout(cut, DISCARD_MS).unref()
  let discarded = 0
  req.on('data', (chunk: Buffer) => {
    discarded += chunk.length
    if (discarded > DISCARD_BYTES) cut()
  })
  req.once('close', () => clearTimeout(timer))
  req.resume()
  return true
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${bytes / 1024 / 1024} MB` : `${bytes / 1024} KB`
}
