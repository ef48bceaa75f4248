import type { IncomingMessage } from 'node:http'
import { BodyTooLargeError } from '../core/http-body.js'

/** How fast an upload's body must arrive. */
export interface UploadPace {
  /** The whole body, from the request's start, within this. */
  timeoutMs: number
  /** From `graceMs` on, at least this many bytes a second of the time past the grace must have arrived. */
  minBytesPerSecond: number
  graceMs: number
}

/** The body came too slowly: the client is cut off and holds nothing any more. */
export class UploadTooSlowError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'UploadTooSlowError'
  }
}

/**
 * Collects a request body as it arrives under a byte cap, a deadline and a minimum average rate,
 * so that a client trickling bytes holds a connection for seconds, not minutes. A body over the
 * cap is left unread (the request paused), so a 413 can still be answered.
 */
export class PacedBody {
  private readonly chunks: Buffer[] = []
  private size = 0
  private ended = false
  private failure: Error | undefined
  private wake: (() => void) | undefined
  private readonly timers: NodeJS.Timeout[]
  private readonly started: number

  constructor(
    private readonly req: IncomingMessage,
    private readonly maxBytes: number,
    private readonly pace: UploadPace,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.started = now()
    req.on('data', this.onData)
    req.on('end', this.onEnd)
    req.on('error', this.onError)
    const checkEveryMs = Math.min(250, Math.max(10, Math.min(pace.graceMs, pace.timeoutMs) / 4))
    this.timers = [
      setTimeout(() => {
        this.fail(
          new UploadTooSlowError(`The upload did not arrive within ${seconds(pace.timeoutMs)}.`),
        )
      }, pace.timeoutMs).unref(),
      setInterval(() => this.checkRate(), checkEveryMs).unref(),
    ]
  }

  /**
   * The bytes so far, once `ready` holds for them or the body has ended. `ready` is asked again
   * only after another `PREFIX_STEP_BYTES` arrived: a body trickled a byte at a time costs a
   * bounded number of looks, not one whole re-read per byte.
   */
  async prefix(ready: (bytes: Buffer) => boolean): Promise<Buffer> {
    let looked = -PREFIX_STEP_BYTES
    for (;;) {
      if (this.failure !== undefined) throw this.failure
      if (this.ended || this.size - looked >= PREFIX_STEP_BYTES) {
        looked = this.size
        const bytes = Buffer.concat(this.chunks)
        if (this.ended || ready(bytes)) return bytes
      }
      await this.next()
    }
  }

  /** The whole body. */
  async whole(): Promise<Buffer> {
    while (!this.ended) {
      if (this.failure !== undefined) throw this.failure
      await this.next()
    }
    return Buffer.concat(this.chunks)
  }

  /** Stops listening and timing; what is still unread stays in the request. */
  stop(): void {
    for (const timer of this.timers) clearTimeout(timer)
    this.req.off('data', this.onData)
    this.req.off('end', this.onEnd)
    this.req.off('error', this.onError)
  }

  private next(): Promise<void> {
    return new Promise((resolve) => (this.wake = resolve))
  }

  private notify(): void {
    const wake = this.wake
    this.wake = undefined
    wake?.()
  }

  private readonly onData = (chunk: Buffer): void => {
    this.size += chunk.length
    if (this.size > this.maxBytes) {
      this.req.pause()
      this.fail(new BodyTooLargeError(this.maxBytes))
      return
    }
    this.chunks.push(chunk)
    this.notify()
  }

  private readonly onEnd = (): void => {
    this.ended = true
    this.stop()
    this.notify()
  }

  private readonly onError = (cause: Error): void => {
    this.fail(cause)
  }

  private checkRate(): void {
    const { graceMs, minBytesPerSecond } = this.pace
    const elapsed = this.now() - this.started
    if (elapsed <= graceMs) return
    if (this.size < (minBytesPerSecond * (elapsed - graceMs)) / 1000) {
      this.fail(
        new UploadTooSlowError(
          `The upload arrived slower than ${minBytesPerSecond / 1024} KB/s (${this.size} bytes in ${seconds(elapsed)}).`,
        ),
      )
    }
  }

  private fail(error: Error): void {
    if (this.failure !== undefined || this.ended) return
    this.failure = error
    this.stop()
    this.notify()
  }
}

/** How much more of a body must arrive before `prefix` looks at it again. */
const PREFIX_STEP_BYTES = 1024

/** Form parts read before the file at most: the DashScope SDK sends eight. */
const MAX_LEADING_PARTS = 32

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(2))} s`
}

/**
 * The boundary of a multipart/form-data Content-Type, or undefined: the first `boundary` parameter
 * (never one inside another parameter's quoted value), whole and at most 70 characters (RFC 2046),
 * as the form parser will read it.
 */
const BOUNDARY =
  /^multipart\/form-data\s*;(?:[^;"]*(?:"[^"]*"[^;"]*)*;)*?\s*boundary=(?:"([^"]{1,70})"|([^;\s"]{1,70}))\s*(?:;|$)/i

export function multipartBoundary(contentType: string): string | undefined {
  const match = BOUNDARY.exec(contentType)
  return match?.[1] ?? match?.[2]
}

/** The text fields before a form's `file` part, as far as the bytes so far tell. */
export type LeadingFields =
  | { state: 'incomplete' }
  /** `file`: whether the `file` part began (false: the form ended without one). */
  | { state: 'complete'; fields: Map<string, string>; file: boolean }

/**
 * Reads a multipart form's text fields up to its `file` part (which OSS requires to be the last
 * field), from the start of the body: enough to check the policy and signature before the file's
 * bytes arrive. Only the first value of a repeated field counts, as FormData#get reads it.
 */
export function leadingFields(body: Buffer, boundary: string): LeadingFields {
  const incomplete = { state: 'incomplete' } as const
  const delimiter = Buffer.from(`--${boundary}`)
  const fields = new Map<string, string>()
  const partEnd = Buffer.from(`\r\n--${boundary}`)
  let at = body.indexOf(delimiter)
  if (at < 0) return incomplete
  for (let part = 0; ; part++) {
    // A form of thousands of tiny parts is read no further: its first fields decide.
    if (part === MAX_LEADING_PARTS) return { state: 'complete', fields, file: false }
    at += delimiter.length
    if (body.length < at + 2) return incomplete
    if (body[at] === 0x2d && body[at + 1] === 0x2d)
      return { state: 'complete', fields, file: false }
    const headersEnd = body.indexOf('\r\n\r\n', at)
    if (headersEnd < 0) return incomplete
    const headers = body.subarray(at, headersEnd).toString('utf8')
    const name = /^content-disposition:[^\r\n]*?;\s*name="([^"]*)"/im.exec(headers)?.[1]
    if (name === 'file') return { state: 'complete', fields, file: true }
    const start = headersEnd + 4
    const end = body.indexOf(partEnd, start)
    if (end < 0) return incomplete
    if (name !== undefined && !fields.has(name)) {
      fields.set(name, body.subarray(start, end).toString('utf8'))
    }
    at = end + 2
  }
}
