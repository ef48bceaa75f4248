import { createHash } from 'node:crypto'
import { MockAgent, type Interceptable } from 'undici'
import { onTestFinished } from 'vitest'
import { DashScopeDetector, type DashScopeOptions } from '../../src/detect/dashscope/client.js'
import type { DetectionJob } from '../../src/detect/types.js'
import { RecordingIo } from './io.js'

/** Never reached: MockAgent answers every request, and the network is disabled. */
export const ORIGIN = 'http://127.0.0.1:9'
export const DETECT_PATH = '/api/v1/services/aigc/image2video/aa-detect'
export const API_KEY = 'sk-mock-0123456789'

export const JSON_HEADERS = { 'content-type': 'application/json' }

export interface MockedDetector {
  detector: DashScopeDetector
  agent: MockAgent
  /** The mocked DashScope origin. */
  service: Interceptable
  log: RecordingIo
  /** Every wait the client asked for, in ms, in order (none of them waited). */
  sleeps: number[]
  /** The client's clock: starts at 0 and moves only by its own waits. */
  clock: { now: number }
  /** The requests sent so far (method and URL), in order. */
  calls: () => { method: string; url: string; headers: Record<string, unknown>; body: unknown }[]
}

/**
 * A DashScopeDetector that talks to an undici MockAgent (no socket at all), with zero-delay
 * backoff, a rate limit high enough never to wait, and a fake clock whose sleeps return at once
 * (recorded in `sleeps`); the agent is closed when the test ends.
 */
export function mockedDetector(options: Partial<DashScopeOptions> = {}): MockedDetector {
  const agent = new MockAgent({ enableCallHistory: true })
  agent.disableNetConnect()
  onTestFinished(() => agent.close())
  const log = new RecordingIo()
  const sleeps: number[] = []
  const clock = { now: 0 }
  const sleep = (ms: number, signal: AbortSignal): Promise<void> => {
    if (signal.aborted) return Promise.reject(signal.reason as Error)
    sleeps.push(ms)
    clock.now += ms
    return Promise.resolve()
  }
  const detector = new DashScopeDetector({
    apiKey: API_KEY,
    endpoint: new URL(`${ORIGIN}${DETECT_PATH}`),
    model: 'animate-anyone-detect-gen2',
    timeoutMs: 5_000,
    concurrency: 2,
    rateLimit: 1_000,
    maxRetries: 4,
    upload: false,
    baseDelayMs: 0,
    maxDelayMs: 0,
    dispatcher: agent,
    log,
    now: () => clock.now,
    sleep,
    ...options,
  })
  return {
    detector,
    agent,
    service: agent.get(ORIGIN),
    log,
    sleeps,
    clock,
    calls: () =>
      (agent.getCallHistory()?.calls() ?? []).map((call) => ({
        method: call.method,
        url: call.fullUrl,
        headers: call.headers ?? {},
        body: call.body,
      })),
  }
}

/** A job for `path`, with a sha of its own and the given bytes. */
export function job(path: string, bytes: Uint8Array = new Uint8Array([0xff, 0xd8])): DetectionJob {
  return {
    path,
    url: `https://images.test/${path}`,
    sha: createHash('sha1').update(path).digest('hex'),
    readBytes: () => Promise.resolve(bytes),
  }
}

/** aa-detect's answer for a photo that passes. */
export const passBody = (bodystyle: 'full' | 'half' = 'full', requestId = 'req-pass') => ({
  output: { check_pass: true, bodystyle },
  usage: { image_count: 1 },
  request_id: requestId,
})
