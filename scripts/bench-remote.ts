/**
 * Throughput of the DashScope backend, end to end: the built action (dist/index.js) as a process
 * against a fake GitHub and a fake DashScope on 127.0.0.1 that adds latency L to every request and
 * answers 429 above R requests in any one-second window, as the real per-account limit does.
 *
 *   npm run bench:remote [-- --images 300 --latency 300 --rate 5 --concurrency 4 --flaky 0.3]
 *
 * Prints wall time, the ideal max(N/R, N·L/C), their ratio, 429s received and retries made, and
 * checks that every image ended with exactly one verdict. A script, never a timed test.
 */
import { parseArgs } from 'node:util'
import { FakeDashScope, apiError, pass } from '../test/fakes/dashscope.js'
import { FakeGitHub } from '../test/fakes/github.js'
import { openPull, runAction } from '../test/e2e/harness.js'

const { values } = parseArgs({
  options: {
    images: { type: 'string', default: '300' },
    latency: { type: 'string', default: '300' },
    rate: { type: 'string', default: '5' },
    concurrency: { type: 'string', default: '4' },
    flaky: { type: 'string', default: '0.3' },
    'flaky-retries': { type: 'string', default: '6' },
  },
})
const N = Number(values.images)
const L = Number(values.latency)
const R = Number(values.rate)
const C = Number(values.concurrency)

/** A small deterministic PRNG, so a run's failures can be reproduced. */
function mulberry32(seed: number): () => number {
  let a = seed
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

async function scenario(label: string, failureRate: number, maxRetries: number) {
  const github = await new FakeGitHub().start()
  const dashscope = await new FakeDashScope().start()
  try {
    const files: Record<string, string> = {}
    for (let i = 0; i < N; i++) files[`photos/${String(i).padStart(4, '0')}.jpg`] = `photo ${i}`
    const { payload } = openPull(github, files)
    dashscope.latencyMs = L
    dashscope.rateLimit = R
    dashscope.verdicts = [{ match: /./, reply: () => pass('full') }]
    const random = mulberry32(42)
    let injected = 0
    dashscope.script = () => {
      if (random() >= failureRate) return undefined
      injected++
      return apiError(503, 'ServiceUnavailable', 'transient')
    }

    const started = performance.now()
    const run = await runAction({
      eventName: 'pull_request',
      payload,
      repository: 'acme/photos',
      apiUrl: github.url,
      inputs: {
        'api-key': 'sk-bench',
        endpoint: dashscope.endpoint,
        concurrency: String(C),
        'rate-limit': String(R),
        'max-retries': String(maxRetries),
        'max-images': String(Math.max(1000, N)),
      },
      timeoutMs: 30 * 60_000,
    })
    const wall = (performance.now() - started) / 1000
    const results = JSON.parse(run.outputs.results ?? '[]') as { path: string; status: string }[]
    const paths = new Set(results.map((r) => r.path))
    const retries = Number(/, (\d+) retries,/.exec(run.stdout)?.[1] ?? NaN)
    const ideal = Math.max(N / R, (N * L) / 1000 / C)
    const byStatus = (s: string) => results.filter((r) => r.status === s).length
    console.log(`\n## ${label}`)
    console.log(
      `images N=${N}  latency L=${L} ms  server limit R=${R}/s  concurrency C=${C}  max-retries=${maxRetries}`,
    )
    console.log(`wall time            ${wall.toFixed(2)} s`)
    console.log(`ideal max(N/R, N·L/C) ${ideal.toFixed(2)} s`)
    console.log(`ratio                ${(wall / ideal).toFixed(3)}`)
    const made = dashscope.calls.length
    const idealForMade = Math.max(made / R, (made * L) / 1000 / C)
    console.log(
      `ratio to the ideal for the ${made} requests made: ${(wall / idealForMade).toFixed(3)}`,
    )
    console.log(`requests received    ${dashscope.calls.length}`)
    console.log(`429s received        ${dashscope.throttled}`)
    console.log(`transient 503s       ${injected}`)
    console.log(`retries made         ${retries}`)
    console.log(
      `verdicts             ${results.length} (${byStatus('pass')} pass, ${byStatus('reject')} reject, ${byStatus('error')} error)`,
    )
    console.log(`lost / duplicated    ${N - paths.size} / ${results.length - paths.size}`)
    console.log(`exit code            ${run.exitCode}`)
    return { ratio: wall / ideal, lost: N - paths.size, duplicated: results.length - paths.size }
  } finally {
    await github.close()
    await dashscope.close()
  }
}

console.log(
  'bench:remote — dist/index.js as a process against loopback fakes (build first: npm run build)',
)
const steady = await scenario('default settings', 0, 4)
const flaky = await scenario(
  `${Number(values.flaky) * 100}% of requests failing transiently`,
  Number(values.flaky),
  Number(values['flaky-retries']),
)
if (steady.lost + steady.duplicated + flaky.lost + flaky.duplicated > 0) {
  console.error('\nFAIL: an image was lost or counted twice')
  process.exitCode = 1
}
