import PQueue from 'p-queue'
import type { DashScopeDetectorConfig } from '../../config/config.js'
import { request, type Dispatcher, type FormData } from 'undici'
import type { DetectorAuthError } from '../../core/errors.js'
import { errorMessage } from '../../core/errors.js'
import type { Logger } from '../../core/log.js'
import { safeText } from '../../core/untrusted.js'
import { readCappedBody } from '../../core/http-body.js'
import { backoffDelay, parseRetryAfter, sleep } from './backoff.js'
import {
  OBJECT_MISSING_CODE,
  describeFailure,
  interpretDetectAnswer,
  type AttemptOutcome,
  type HttpAnswer,
} from './response.js'
import type { Detection, DetectionJob, Detector, DetectorStats } from '../types.js'
import { DashScopeUploader } from './upload.js'

export interface DashScopeOptions extends Omit<DashScopeDetectorConfig, 'backend'> {
  dispatcher?: Dispatcher
  log: Logger
  baseDelayMs?: number
  maxDelayMs?: number
  random?: () => number
  /** The clock behind Retry-After dates, pauses and policy expiry; default Date.now. */
  now?: () => number
  /** How the client waits between attempts and during a pause; rejects when the signal aborts. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>
}

/** Longest Retry-After the client waits for; a service asking for more is treated as down. */
const MAX_RETRY_AFTER_MS = 5 * 60_000
const MAX_BODY_BYTES = 1024 * 1024
/** The account limit is per second: a throttled run waits at least this long. */
const THROTTLE_PAUSE_MS = 1000
/** Margin on the rate window: arrival times jitter, and a request landing early costs a 429. */
const RATE_WINDOW_MARGIN_MS = 50
/**
 * How often a missing `oss://` object (expired or evicted from the temporary storage) is uploaded
 * again before the image is reported as an error.
 */
const MAX_REUPLOADS = 2

export class DashScopeDetector implements Detector {
  readonly identity: string
  private readonly queue: PQueue
  private readonly stop = new AbortController()
  private readonly counters: DetectorStats = { requests: 0, retries: 0, throttled: 0 }
  private readonly uploader: DashScopeUploader | undefined
  private readonly uploads: PQueue
  /** Bumped by every pause, so only the latest pause's end resumes the queue. */
  private pauses = 0
  private resumeAt = 0
  private readonly now: () => number
  private readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>

  constructor(private readonly options: DashScopeOptions) {
    this.now = options.now ?? Date.now
    this.sleep = options.sleep ?? sleep
    this.identity = `dashscope ${options.endpoint.href} ${options.model}`
    // One queue for every request of the run: concurrency and a strict sliding-window rate together.
    const intervalCap = Math.max(1, Math.round(options.rateLimit))
    this.queue = new PQueue({
      concurrency: options.concurrency,
      intervalCap,
      interval: Math.ceil((1000 * intervalCap) / options.rateLimit) + RATE_WINDOW_MARGIN_MS,
      strict: true,
    })
    this.uploads = new PQueue({ concurrency: options.concurrency })
    if (options.upload) {
      this.uploader = new DashScopeUploader({
        endpoint: options.endpoint,
        apiKey: options.apiKey,
        model: options.model,
        exchange: (url, init, signal) => this.exchange(url, init, signal),
        send: (label, attempt, queued) => this.withRetries(label, attempt, queued),
        now: this.now,
      })
    }
  }

  stats(): DetectorStats {
    return { ...this.counters }
  }

  async detect(job: DetectionJob): Promise<Detection> {
    const uploader = this.uploader
    if (uploader === undefined) return this.detectUrl(job.path, job.url, false)
    for (let upload = 0; ; upload++) {
      // Upload and detection as one step, bounded like the requests: at most `concurrency` images
      // wait in the temporary storage undetected (they expire there), and a large run never holds
      // every image in memory at once.
      const detection = await this.uploads.add(async () => {
        const uploaded = await uploader.upload(job)
        return 'status' in uploaded ? uploaded : this.detectUrl(job.path, uploaded.url, true)
      })
      // The storage lost the object (expired or evicted): no verdict on the image, so upload again.
      if (detection.code !== OBJECT_MISSING_CODE || detection.status !== 'error') return detection
      if (upload >= MAX_REUPLOADS) {
        return {
          ...detection,
          message: `${detection.message ?? ''} — still missing after ${upload + 1} uploads`,
        }
      }
      this.options.log.info(
        `Uploading ${safeText(job.path)} again: the temporary storage no longer has it`,
      )
    }
  }

  private detectUrl(label: string, imageUrl: string, uploaded: boolean): Promise<Detection> {
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.options.apiKey}`,
      'content-type': 'application/json',
      accept: 'application/json',
    }
    if (uploaded) headers['x-dashscope-ossresourceresolve'] = 'enable'
    const body = JSON.stringify({
      model: this.options.model,
      input: { image_url: imageUrl },
      parameters: {},
    })
    return this.withRetries(
      label,
      async (signal) =>
        interpretDetectAnswer(
          await this.exchange(this.options.endpoint, { method: 'POST', headers, body }, signal),
        ),
      true,
    )
  }

  /**
   * Runs one logical call through the shared queue, retrying transient failures with full-jitter
   * backoff (or the service's Retry-After), pausing the whole run on throttling, and stopping the
   * whole run on an auth failure.
   */
  private async withRetries<T>(
    label: string,
    attempt: (signal: AbortSignal) => Promise<AttemptOutcome<T>>,
    queued: boolean,
  ): Promise<T | Detection> {
    const { maxRetries, log } = this.options
    for (let attemptIndex = 0; ; attemptIndex++) {
      this.throwIfStopped()
      const run = async (): Promise<AttemptOutcome<T>> => {
        // A request queued behind an auth failure must not go out: the queue starts the next one
        // as soon as a slot frees, before the failed call's caller has stopped the run.
        this.throwIfStopped()
        this.counters.requests++
        log.debug(`Request for ${safeText(label)} (attempt ${attemptIndex + 1})`)
        const answered = await attempt(this.attemptSignal())
        const detail =
          answered.kind === 'retry' || answered.kind === 'failed'
            ? ` (${safeText(answered.error.code ?? '')})`
            : ''
        log.debug(`Answer for ${safeText(label)}: ${answered.kind}${detail}`)
        if (answered.kind === 'fatal') this.halt(answered.error)
        return answered
      }
      let outcome: AttemptOutcome<T>
      try {
        outcome = queued ? await this.queue.add(run, { signal: this.stop.signal }) : await run()
      } catch (error) {
        this.throwIfStopped()
        outcome = networkFailure(error, this.options.timeoutMs)
      }
      if (outcome.kind === 'final') return outcome.value
      if (outcome.kind === 'failed') return outcome.error
      if (outcome.kind === 'fatal') this.halt(outcome.error)

      if (outcome.throttled) this.counters.throttled++
      if (attemptIndex >= maxRetries) {
        return {
          ...outcome.error,
          message: `${outcome.error.message ?? ''} — gave up after ${attemptIndex + 1} attempts`,
        }
      }
      if ((outcome.retryAfterMs ?? 0) > MAX_RETRY_AFTER_MS) {
        return {
          ...outcome.error,
          message: `${outcome.error.message ?? ''} — Retry-After too long`,
        }
      }
      const jittered = backoffDelay(
        attemptIndex,
        this.options.baseDelayMs ?? 500,
        this.options.maxDelayMs ?? 30_000,
        this.options.random,
      )
      // Full jitter can draw ~0 ms; after a 429 the whole run waits at least one rate window.
      const delay =
        outcome.retryAfterMs ??
        (outcome.throttled ? Math.max(jittered, THROTTLE_PAUSE_MS) : jittered)
      // Throttling is the account's limit, not this request's: every request waits.
      if (outcome.throttled) this.pauseAll(delay)
      this.counters.retries++
      log.info(
        `Retrying ${safeText(label)} in ${delay} ms: ${safeText(outcome.error.message ?? '')}`,
      )
      await this.sleep(delay, this.stop.signal).catch(() => undefined)
    }
  }

  private attemptSignal(): AbortSignal {
    return AbortSignal.any([this.stop.signal, AbortSignal.timeout(this.options.timeoutMs)])
  }

  private throwIfStopped(): void {
    if (this.stop.signal.aborted) throw this.stop.signal.reason as DetectorAuthError
  }

  private halt(error: DetectorAuthError): never {
    if (!this.stop.signal.aborted) {
      this.stop.abort(error)
      this.queue.clear()
    }
    throw this.stop.signal.reason as DetectorAuthError
  }

  private pauseAll(delayMs: number): void {
    const until = this.now() + delayMs
    if (until <= this.resumeAt) return
    this.resumeAt = until
    this.queue.pause()
    const pause = ++this.pauses
    // A halted run aborts the wait and stays paused.
    this.sleep(delayMs, this.stop.signal).then(
      () => {
        if (pause === this.pauses) this.queue.start()
      },
      () => undefined,
    )
  }

  /** One HTTP exchange with the body read in full (at most 1 MB); redirects are never followed. */
  async exchange(
    url: URL,
    init: { method: 'GET' | 'POST'; headers: Record<string, string>; body?: string | FormData },
    signal: AbortSignal,
  ): Promise<HttpAnswer> {
    const response = await request(url, {
      method: init.method,
      headers: init.headers,
      ...(init.body === undefined ? {} : { body: init.body }),
      signal,
      ...(this.options.dispatcher === undefined ? {} : { dispatcher: this.options.dispatcher }),
    })
    const body = await readCappedBody(response.body, MAX_BODY_BYTES)
    const header = (name: string): string | undefined => {
      const value = response.headers[name]
      return Array.isArray(value) ? value[0] : value
    }
    const answer: HttpAnswer = {
      status: response.statusCode,
      contentType: header('content-type') ?? '',
      body: body.toString('utf8'),
    }
    const retryAfterMs = parseRetryAfter(header('retry-after'), this.now())
    if (retryAfterMs !== undefined) answer.retryAfterMs = retryAfterMs
    return answer
  }
}

/** A request that never produced an answer: timeouts, resets and cut bodies are worth a retry. */
function networkFailure(error: unknown, timeoutMs: number): AttemptOutcome<never> {
  const name = error instanceof Error ? error.name : ''
  const timedOut =
    name === 'TimeoutError' || name === 'HeadersTimeoutError' || name === 'BodyTimeoutError'
  const message = timedOut
    ? `no answer within ${timeoutMs / 1000} s`
    : `network failure: ${errorMessage(error)}`
  return {
    kind: 'retry',
    throttled: false,
    error: {
      status: 'error',
      code: timedOut ? 'Timeout' : 'NetworkError',
      message: describeFailure(undefined, undefined, message, undefined),
    },
  }
}
