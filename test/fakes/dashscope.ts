import type { IncomingMessage, ServerResponse } from 'node:http'
import { LoopbackServer, readBody, sendJson } from './http.js'

export interface DetectCall {
  imageUrl: string
  authorization: string | undefined
  headers: IncomingMessage['headers']
  at: number
}

/** What the fake answers one request with. */
export type Reply =
  | { status: number; json: unknown; headers?: Record<string, string>; delayMs?: number }
  | {
      status: number
      raw: string
      contentType: string
      headers?: Record<string, string>
      delayMs?: number
    }
  | { hang: true }
  | { reset: 'before-headers' | 'mid-body' }

export type Script = (call: DetectCall, index: number) => Reply | undefined

let requestCounter = 0
const requestId = () => `req-${++requestCounter}`

export const pass = (bodystyle: 'full' | 'half' = 'full'): Reply => ({
  status: 200,
  json: {
    output: { check_pass: true, bodystyle },
    usage: { image_count: 1 },
    request_id: requestId(),
  },
})
export const failCheck = (reason: string): Reply => ({
  status: 200,
  json: {
    output: { check_pass: false, bodystyle: 'full', reason },
    usage: { image_count: 1 },
    request_id: requestId(),
  },
})
export const apiError = (
  status: number,
  code: string,
  message: string,
  headers?: Record<string, string>,
): Reply => ({
  status,
  json: { code, message, request_id: requestId() },
  ...(headers === undefined ? {} : { headers }),
})

/**
 * A fake DashScope on 127.0.0.1: the aa-detect endpoint, the upload policy and a storage host.
 * By default it answers by the image URL (`verdicts`); `script` overrides any request, and
 * `rateLimit` answers 429 above R requests in any one-second window, as the real account limit.
 */
export class FakeDashScope extends LoopbackServer {
  readonly calls: DetectCall[] = []
  readonly uploads = new Map<string, Buffer>()
  readonly policyCalls: IncomingMessage['headers'][] = []
  readonly uploadHeaders: IncomingMessage['headers'][] = []
  verdicts: { match: RegExp; reply: () => Reply }[] = []
  script: Script | undefined
  rateLimit: number | undefined
  latencyMs = 0
  throttled = 0
  private starts: number[] = []

  get endpoint(): string {
    return `${this.url}/api/v1/services/aigc/image2video/aa-detect`
  }

  protected async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url)
    const body = await readBody(req)
    if (req.method === 'GET' && url.pathname === '/api/v1/uploads') {
      this.policyCalls.push(req.headers)
      return sendJson(res, 200, {
        data: {
          policy: 'cG9saWN5',
          signature: 'sig',
          upload_dir: 'dashscope-instant/abc/2026-11-25/xyz',
          upload_host: `${this.url}/oss`,
          expire_in_seconds: 300,
          max_file_size_mb: 100,
          capacity_limit_mb: 999999,
          oss_access_key_id: 'LTAI-test',
          x_oss_object_acl: 'private',
          x_oss_forbid_overwrite: 'true',
        },
        request_id: requestId(),
      })
    }
    if (req.method === 'POST' && url.pathname === '/oss') {
      this.uploadHeaders.push(req.headers)
      const response = new Response(new Uint8Array(body), {
        headers: { 'content-type': req.headers['content-type'] ?? '' },
      })

      const form = await response.formData()
      const key = form.get('key')
      const file = form.get('file')
      if (
        typeof key !== 'string' ||
        !(file instanceof Blob) ||
        form.get('OSSAccessKeyId') !== 'LTAI-test'
      ) {
        res.writeHead(400, { 'content-type': 'application/xml' })
        res.end('<Error><Code>InvalidArgument</Code></Error>')
        return
      }
      this.uploads.set(key, Buffer.from(await file.arrayBuffer()))
      res.writeHead(200)
      res.end()
      return
    }
    if (req.method !== 'POST' || url.pathname !== '/api/v1/services/aigc/image2video/aa-detect') {
      return sendJson(res, 404, { code: 'NotFound', message: 'not found', request_id: requestId() })
    }

    let imageUrl = ''
    try {
      const parsed = JSON.parse(body.toString('utf8')) as {
        model?: string
        input?: { image_url?: string }
      }
      imageUrl = parsed.input?.image_url ?? ''
    } catch {
      return this.reply(res, apiError(400, 'InvalidParameter', 'body is not JSON'))
    }
    const call: DetectCall = {
      imageUrl,
      authorization: req.headers.authorization,
      headers: req.headers,
      at: Date.now(),
    }
    const index = this.calls.push(call) - 1

    if (this.rateLimit !== undefined) {
      const now = Date.now()
      this.starts = this.starts.filter((t) => now - t < 1000)
      if (this.starts.length >= this.rateLimit) {
        this.throttled++
        return this.reply(
          res,
          apiError(
            429,
            'Throttling.RateQuota',
            'Requests rate limit exceeded, please try again later.',
          ),
        )
      }
      this.starts.push(now)
    }
    const scripted = this.script?.(call, index)
    const reply =
      scripted ??
      this.verdicts.find((v) => v.match.test(imageUrl))?.reply() ??
      apiError(400, 'InvalidURL', `The image at ${imageUrl} could not be downloaded.`)
    if (this.latencyMs > 0) await new Promise((r) => setTimeout(r, this.latencyMs))
    this.reply(res, reply)
  }

  private reply(res: ServerResponse, reply: Reply): void {
    if ('hang' in reply) return
    if ('reset' in reply) {
      if (reply.reset === 'before-headers') {
        res.socket?.destroy()
        return
      }
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '500' })
      res.write('{"output":{"check_pa')
      setTimeout(() => res.socket?.destroy(), 10)
      return
    }
    const send = () => {
      if ('json' in reply) sendJson(res, reply.status, reply.json, reply.headers)
      else {
        res.writeHead(reply.status, { 'content-type': reply.contentType, ...reply.headers })
        res.end(reply.raw)
      }
    }
    if (reply.delayMs !== undefined) setTimeout(send, reply.delayMs)
    else send()
  }
}
