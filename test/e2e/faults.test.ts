import { describe, expect, it } from 'vitest'
import { listen } from '../fakes/http.js'
import { apiError, pass, type Reply } from '../fakes/dashscope.js'
import { API_KEY, openPull, resultsOf, runOnPull, useFakes } from './setup.js'
import type { ActionRun } from './harness.js'

const fakes = useFakes()

function photos(count: number): Record<string, string> {
  const files: Record<string, string> = {}
  for (let i = 0; i < count; i++) files[`p/${i}.jpg`] = `photo ${i}`
  return files
}

/** Every byte the action wrote is free of the key (the runner masks it, but we never print it). */
function expectNoKey(run: ActionRun): void {
  expect(run.everything).not.toContain(API_KEY)
  for (const comments of fakes.github.comments.values()) {
    for (const comment of comments) expect(comment.body).not.toContain(API_KEY)
  }
}

async function runScripted(
  count: number,
  script: (index: number) => Reply | undefined,
  inputs: Record<string, string> = {},
) {
  const { payload } = openPull(fakes.github, photos(count))
  fakes.dashscope.verdicts = [{ match: /\.jpg$/, reply: () => pass() }]
  fakes.dashscope.script = (_call, index) => script(index)
  const run = await runOnPull(fakes, payload, inputs)
  expectNoKey(run)
  return run
}

describe('DashScope faults, end to end', () => {
  it('rides out a 429 storm and slows the whole run down', async () => {
    const run = await runScripted(3, (i) =>
      i < 5 ? apiError(429, 'Throttling.RateQuota', 'Requests rate limit exceeded') : undefined,
    )
    expect(run.exitCode).toBe(0)
    expect(run.outputs.passed).toBe('3')
    expect(run.stdout).toMatch(/3 checked: 3 passed.*, \d+ request\(s\), 5 retries, 5 throttled/)
    expect(fakes.dashscope.calls).toHaveLength(8)
    // The first answers were 429s: nothing more was sent for at least a second.
    const [first, , , fourth] = fakes.dashscope.calls
    expect((fourth?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(950)
  })

  it('retries 503 bursts until every image has a verdict, each counted once', async () => {
    const run = await runScripted(4, (i) =>
      i < 4 ? apiError(503, 'ServiceUnavailable', 'busy') : undefined,
    )
    expect(run.exitCode).toBe(0)
    expect(resultsOf(run).map((r) => r.status)).toEqual(['pass', 'pass', 'pass', 'pass'])
    expect(fakes.dashscope.calls).toHaveLength(8)
  })

  it('times out a hung request and tries again', async () => {
    const run = await runScripted(1, (i) => (i === 0 ? { hang: true } : undefined), {
      timeout: '1',
    })
    expect(run.exitCode).toBe(0)
    expect(run.stdout).toMatch(/Retrying p\/0\.jpg in \d+ ms: no answer within 1 s/)
    expect(fakes.dashscope.calls).toHaveLength(2)
  })

  it('reports a request that never answers as an error, never a pass', async () => {
    const run = await runScripted(1, () => ({ hang: true }), { timeout: '0.5', 'max-retries': '1' })
    expect(run.exitCode).toBe(1)
    expect(resultsOf(run)[0]).toMatchObject({ status: 'error', code: 'Timeout' })
    expect(run.stdout).toContain(
      '::error::0 of 1 image rejected, 1 could not be checked (0 passed).',
    )
  })

  it('retries a connection reset mid-body', async () => {
    const run = await runScripted(2, (i) =>
      i === 0 ? { reset: 'mid-body' } : i === 1 ? { reset: 'before-headers' } : undefined,
    )
    expect(run.exitCode).toBe(0)
    expect(run.outputs.passed).toBe('2')
    expect(fakes.dashscope.calls).toHaveLength(4)
  })

  it('never trusts malformed JSON', async () => {
    const run = await runScripted(
      1,
      () => ({
        status: 200,
        raw: '{"output":{"check_pass":true,"bodys',
        contentType: 'application/json',
      }),
      { 'max-retries': '1' },
    )
    expect(run.exitCode).toBe(1)
    expect(resultsOf(run)[0]).toMatchObject({ status: 'error', code: 'MalformedResponse' })
    expect(fakes.dashscope.calls).toHaveLength(2)
  })

  it('never trusts a 200 without check_pass', async () => {
    const run = await runScripted(1, () => ({
      status: 200,
      json: { output: { bodystyle: 'full' }, request_id: 'abc' },
    }))
    expect(run.exitCode).toBe(1)
    expect(resultsOf(run)[0]).toMatchObject({
      status: 'error',
      code: 'IncompleteResponse',
      requestId: 'abc',
    })
    expect(String(resultsOf(run)[0]?.message)).toBe(
      'HTTP 200: answer without output.check_pass (request_id abc)',
    )
    expect(fakes.dashscope.calls).toHaveLength(1)
  })

  it('reports an HTML 502 page with its status', async () => {
    const run = await runScripted(
      1,
      () => ({
        status: 502,
        raw: '<html><h1>502 Bad Gateway</h1></html>',
        contentType: 'text/html',
      }),
      { 'max-retries': '1' },
    )
    expect(run.exitCode).toBe(1)
    expect(resultsOf(run)[0]).toMatchObject({ status: 'error', code: 'ServiceError' })
    expect(String(resultsOf(run)[0]?.message)).toMatch(/^HTTP 502: <html><h1>502 Bad Gateway/)
  })

  it('stops the whole run on 401 after at most `concurrency` requests, with one clear error', async () => {
    const run = await runScripted(
      20,
      () => apiError(401, 'InvalidApiKey', 'Invalid API-key provided.'),
      { concurrency: '4', 'rate-limit': '100' },
    )
    expect(run.exitCode).toBe(1)
    expect(fakes.dashscope.calls.length).toBeGreaterThanOrEqual(1)
    expect(fakes.dashscope.calls.length).toBeLessThanOrEqual(4)
    const errors = run.stdout.split('\n').filter((line) => line.startsWith('::error'))
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatch(
      /DashScope refused the API key: HTTP 401 InvalidApiKey: Invalid API-key provided\. \(request_id req-\d+\)\. Fix: check the api-key secret/,
    )
  })

  it('stops on 403 AccessDenied and points at the region or workspace', async () => {
    const run = await runScripted(2, () => apiError(403, 'AccessDenied', 'Access denied.'))
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toMatch(
      /::error::DashScope refused the API key: HTTP 403 AccessDenied.*region or workspace/,
    )
  })

  it('honours Retry-After', async () => {
    const run = await runScripted(1, (i) =>
      i === 0 ? apiError(429, 'Throttling', 'slow down', { 'retry-after': '2' }) : undefined,
    )
    expect(run.exitCode).toBe(0)
    const [first, second] = fakes.dashscope.calls
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(1950)
    expect(run.stdout).toContain('Retrying p/0.jpg in 2000 ms')
  })

  it('passes the check with a warning when on-api-error is warn', async () => {
    const run = await runScripted(2, () => apiError(500, 'InternalError', 'boom'), {
      'on-api-error': 'warn',
      'max-retries': '0',
    })
    expect(run.exitCode).toBe(0)
    expect(run.stdout).toContain('::warning::2 images could not be checked (on-api-error: warn).')
    expect(run.outputs.errors).toBe('2')
  })

  it('does not follow a redirect to another host', async () => {
    let contacted = 0
    const elsewhere = await listen((_req, res) => {
      contacted++
      res.end('{}')
    })
    try {
      const run = await runScripted(1, () => ({
        status: 307,
        json: {},
        headers: { location: `${elsewhere.url}/steal` },
      }))
      expect(run.exitCode).toBe(1)
      expect(resultsOf(run)[0]).toMatchObject({ status: 'error', code: 'Redirect' })
      expect(contacted).toBe(0)
    } finally {
      await elsewhere.close()
    }
  })
})

describe('upload mode', () => {
  it('uploads the bytes to temporary storage and detects the oss:// URL', async () => {
    const photo = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4])
    const { payload } = openPull(fakes.github, { 'private/me.jpg': photo.toString('latin1') })
    fakes.dashscope.verdicts = [{ match: /^oss:\/\//, reply: () => pass('half') }]
    const run = await runOnPull(fakes, payload, { upload: 'true' })
    expectNoKey(run)
    expect(run.exitCode).toBe(0)
    expect(fakes.dashscope.policyCalls).toHaveLength(1)
    expect(fakes.dashscope.policyCalls[0]?.authorization).toBe(`Bearer ${API_KEY}`)
    expect(fakes.dashscope.uploadHeaders[0]?.authorization).toBeUndefined()
    const [key, bytes] = [...fakes.dashscope.uploads][0] ?? []
    expect(key).toMatch(/^dashscope-instant\/abc\/2026-11-25\/xyz\/[0-9a-f]{40}\.jpg$/)
    expect(bytes?.equals(Buffer.from(photo.toString('latin1')))).toBe(true)
    const call = fakes.dashscope.calls[0]
    expect(call?.imageUrl).toBe(`oss://${key ?? ''}`)
    expect(call?.headers['x-dashscope-ossresourceresolve']).toBe('enable')
    expect(fakes.github.count('GET', /\/git\/blobs\//)).toBe(1)
  })
})
