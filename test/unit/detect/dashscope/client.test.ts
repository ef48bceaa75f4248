import { describe, expect, it, vi } from 'vitest'
import { DetectorAuthError } from '../../../../src/core/errors.js'
import {
  API_KEY,
  DETECT_PATH,
  JSON_HEADERS,
  ORIGIN,
  job,
  mockedDetector,
  passBody,
} from '../../../helpers/dashscope-mock.js'

const detect = { path: DETECT_PATH, method: 'POST' }

describe('DashScopeDetector through a MockAgent', () => {
  it('passes on a 200 with check_pass and sends the documented request', async () => {
    const { detector, service, calls } = mockedDetector()
    service.intercept(detect).reply(200, passBody('half', 'req-1'), { headers: JSON_HEADERS })
    expect(await detector.detect(job('a.jpg'))).toEqual({
      status: 'pass',
      bodystyle: 'half',
      requestId: 'req-1',
    })
    const [call] = calls()
    expect(call?.url).toBe(`${ORIGIN}${DETECT_PATH}`)
    expect(call?.headers).toMatchObject({
      authorization: `Bearer ${API_KEY}`,
      'content-type': 'application/json',
    })
    expect(JSON.parse(String(call?.body))).toEqual({
      model: 'animate-anyone-detect-gen2',
      input: { image_url: 'https://images.test/a.jpg' },
      parameters: {},
    })
    expect(detector.stats()).toEqual({ requests: 1, retries: 0, throttled: 0 })
  })

  it('rejects on a 400 InvalidFile.* without retrying', async () => {
    const { detector, service, calls } = mockedDetector()
    service
      .intercept(detect)
      .reply(
        400,
        { code: 'InvalidFile.BodyPose', message: 'Ankles not visible', request_id: 'req-2' },
        { headers: JSON_HEADERS },
      )
    expect(await detector.detect(job('a.jpg'))).toEqual({
      status: 'reject',
      code: 'InvalidFile.BodyPose',
      message: 'Ankles not visible',
      requestId: 'req-2',
    })
    expect(calls()).toHaveLength(1)
  })

  it('rejects on check_pass:false with the code its reason stands for', async () => {
    const { detector, service } = mockedDetector()
    service.intercept(detect).reply(
      200,
      {
        output: { check_pass: false, bodystyle: 'full', reason: 'Multiple persons detected' },
        request_id: 'req-3',
      },
      { headers: JSON_HEADERS },
    )
    expect(await detector.detect(job('a.jpg'))).toEqual({
      status: 'reject',
      code: 'InvalidFile.Content',
      message: 'Multiple persons detected',
      bodystyle: 'full',
      requestId: 'req-3',
    })
  })

  it('retries a 503 and then passes', async () => {
    const { detector, service, calls, log } = mockedDetector()
    service
      .intercept(detect)
      .reply(503, { code: 'ServiceUnavailable', message: 'busy' }, { headers: JSON_HEADERS })
    service.intercept(detect).reply(200, passBody(), { headers: JSON_HEADERS })
    expect(await detector.detect(job('a.jpg'))).toMatchObject({ status: 'pass' })
    expect(calls()).toHaveLength(2)
    expect(detector.stats()).toEqual({ requests: 2, retries: 1, throttled: 0 })
    expect(log.messages('info')).toEqual([
      'Retrying a.jpg in 0 ms: HTTP 503 ServiceUnavailable: busy',
    ])
  })

  it('pauses the run for at least a second after a 429, then passes', async () => {
    const { detector, service, calls, sleeps } = mockedDetector()
    service
      .intercept(detect)
      .reply(
        429,
        { code: 'Throttling.RateQuota', message: 'Requests rate limit exceeded' },
        { headers: JSON_HEADERS },
      )
    service.intercept(detect).reply(200, passBody(), { headers: JSON_HEADERS })
    const started = performance.now()
    expect(await detector.detect(job('a.jpg'))).toMatchObject({ status: 'pass' })
    // Zero-delay backoff, yet a throttled run waits one rate window (THROTTLE_PAUSE_MS): the whole
    // queue's pause and this request's own wait.
    expect(sleeps).toEqual([1000, 1000])
    expect(performance.now() - started).toBeLessThan(500)
    expect(calls()).toHaveLength(2)
    expect(detector.stats()).toEqual({ requests: 2, retries: 1, throttled: 1 })
  })

  it('keeps the queue paused until the latest pause ends', async () => {
    const waits: { ms: number; end: () => void }[] = []
    const { detector, service, calls } = mockedDetector({
      concurrency: 1,
      sleep: (ms) => new Promise((resolve) => waits.push({ ms, end: () => resolve() })),
    })
    service
      .intercept(detect)
      .reply(429, { code: 'Throttling', message: 'slow down' }, { headers: JSON_HEADERS })
    service.intercept(detect).reply(200, passBody(), { headers: JSON_HEADERS }).times(2)
    const first = detector.detect(job('a.jpg'))
    await vi.waitFor(() => expect(waits).toHaveLength(2))
    const second = detector.detect(job('b.jpg'))
    // The pause's wait and the retry's wait end; nothing else was sent while they ran.
    expect(calls()).toHaveLength(1)
    for (const wait of waits.splice(0)) wait.end()
    expect(await Promise.all([first, second])).toMatchObject([
      { status: 'pass' },
      { status: 'pass' },
    ])
    expect(calls()).toHaveLength(3)
  })

  it('waits as long as Retry-After says', async () => {
    const { detector, service, log, sleeps } = mockedDetector()
    service
      .intercept(detect)
      .reply(
        503,
        { code: 'ServiceUnavailable', message: 'busy' },
        { headers: { ...JSON_HEADERS, 'retry-after': '0.05' } },
      )
    service.intercept(detect).reply(200, passBody(), { headers: JSON_HEADERS })
    expect(await detector.detect(job('a.jpg'))).toMatchObject({ status: 'pass' })
    expect(sleeps).toEqual([50])
    expect(log.messages('info')).toEqual([
      'Retrying a.jpg in 50 ms: HTTP 503 ServiceUnavailable: busy',
    ])
  })

  it('reads a Retry-After date against its own clock', async () => {
    const { detector, service, sleeps, clock } = mockedDetector()
    clock.now = Date.parse('2026-01-01T00:00:00Z')
    service
      .intercept(detect)
      .reply(
        503,
        { code: 'ServiceUnavailable', message: 'busy' },
        { headers: { ...JSON_HEADERS, 'retry-after': 'Thu, 01 Jan 2026 00:00:07 GMT' } },
      )
    service.intercept(detect).reply(200, passBody(), { headers: JSON_HEADERS })
    expect(await detector.detect(job('a.jpg'))).toMatchObject({ status: 'pass' })
    expect(sleeps).toEqual([7000])
  })

  it('throws DetectorAuthError on 401 and sends nothing more', async () => {
    const { detector, service, calls } = mockedDetector()
    service
      .intercept(detect)
      .reply(
        401,
        { code: 'InvalidApiKey', message: 'Invalid API-key provided.', request_id: 'req-4' },
        { headers: JSON_HEADERS },
      )
      .persist()
    const first = detector.detect(job('a.jpg'))
    await expect(first).rejects.toThrow(DetectorAuthError)
    await expect(first).rejects.toThrow(
      'DashScope refused the API key: HTTP 401 InvalidApiKey: Invalid API-key provided. (request_id req-4). Fix: check the api-key secret',
    )
    await expect(detector.detect(job('b.jpg'))).rejects.toThrow(DetectorAuthError)
    await expect(detector.detect(job('c.jpg'))).rejects.toThrow(DetectorAuthError)
    expect(calls()).toHaveLength(1)
  })

  // Known gap: p-queue starts the next queued request as soon as the 401 settles, before
  // withRetries halts the run, so one more request per slot goes out. Flip to `it` once fixed.
  it('sends no request that was queued behind a 401', async () => {
    const { detector, service, calls } = mockedDetector({ concurrency: 1 })
    service
      .intercept(detect)
      .reply(401, { code: 'InvalidApiKey', message: 'no' }, { headers: JSON_HEADERS })
      .persist()
    const first = detector.detect(job('a.jpg'))
    const second = detector.detect(job('b.jpg'))
    await expect(first).rejects.toThrow(DetectorAuthError)
    await expect(second).rejects.toThrow(DetectorAuthError)
    expect(calls()).toHaveLength(1)
  })

  it('gives up after max-retries attempts and says so', async () => {
    const { detector, service, calls } = mockedDetector({ maxRetries: 2 })
    service
      .intercept(detect)
      .reply(503, { code: 'ServiceUnavailable', message: 'busy' }, { headers: JSON_HEADERS })
      .persist()
    expect(await detector.detect(job('a.jpg'))).toEqual({
      status: 'error',
      code: 'ServiceError',
      message: 'HTTP 503 ServiceUnavailable: busy — gave up after 3 attempts',
    })
    expect(calls()).toHaveLength(3)
  })

  it('retries a network failure and reports it as an error, never a pass', async () => {
    const { detector, service, calls } = mockedDetector({ maxRetries: 1 })
    service.intercept(detect).replyWithError(new Error('socket hang up')).persist()
    expect(await detector.detect(job('a.jpg'))).toMatchObject({
      status: 'error',
      code: 'NetworkError',
      message: expect.stringContaining('socket hang up') as unknown,
    })
    expect(calls()).toHaveLength(2)
  })

  it('never takes malformed JSON for a pass', async () => {
    const { detector, service, calls } = mockedDetector({ maxRetries: 1 })
    service.intercept(detect).reply(200, '{"output":{"check_pass":tr', { headers: JSON_HEADERS })
    service.intercept(detect).reply(200, '{"output":{"check_pass":true', { headers: JSON_HEADERS })
    expect(await detector.detect(job('a.jpg'))).toMatchObject({
      status: 'error',
      code: 'MalformedResponse',
    })
    expect(calls()).toHaveLength(2)
  })

  it('never takes JSON under another content type, or an answer without check_pass, for a pass', async () => {
    const { detector, service } = mockedDetector({ maxRetries: 0 })
    service
      .intercept(detect)
      .reply(200, JSON.stringify(passBody()), { headers: { 'content-type': 'text/html' } })
    service
      .intercept(detect)
      .reply(200, { output: { bodystyle: 'full' } }, { headers: JSON_HEADERS })
    expect(await detector.detect(job('a.jpg'))).toMatchObject({
      status: 'error',
      code: 'MalformedResponse',
      message: expect.stringContaining('a non-JSON content type (text/html)') as unknown,
    })
    expect(await detector.detect(job('b.jpg'))).toMatchObject({
      status: 'error',
      code: 'IncompleteResponse',
    })
  })

  it('does not follow a redirect', async () => {
    const { detector, service, calls } = mockedDetector()
    service.intercept(detect).reply(302, '', { headers: { location: `${ORIGIN}/elsewhere` } })
    service.intercept({ path: '/elsewhere', method: () => true }).reply(200, passBody(), {
      headers: JSON_HEADERS,
    })
    expect(await detector.detect(job('a.jpg'))).toMatchObject({
      status: 'error',
      code: 'Redirect',
      message: expect.stringContaining('redirects are not followed') as unknown,
    })
    expect(calls().map((call) => call.url)).toEqual([`${ORIGIN}${DETECT_PATH}`])
  })
})
