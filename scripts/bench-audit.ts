/**
 * Audits at scale, end to end: the built action (dist/index.js) as processes against a fake
 * GitHub and a fake DashScope on 127.0.0.1 that adds latency L to every detection and answers 429
 * above R requests in any one-second window (the account's limit, shared by every shard).
 *
 *   npm run build && npm run bench:audit [-- --images 2000 --latency 200 --rate 400 --shards 4]
 *
 * 1. one unsharded audit (writing record-file); 2. the same audit as n shards in parallel
 * processes, each writing results-file, then merge-results; the merged outputs, summary and exit
 * status must equal the single run's; 3. the audit again with record-file restored: zero detection
 * calls. Prints wall times and the API calls of each phase from the fakes' request logs, then the
 * record file's size and read/write time for 100,000 entries. A script, never a timed test.
 *
 * `--concurrency` defaults to half of what one shard would need to use its whole share of the
 * account (R/n · L / 2): every run, sharded or not, is then bound by what one runner holds in
 * flight — the case sharding is for. At the full share (C = R/n · L) a shard sits on both limits,
 * and four shard processes starting together on two cores add their start-up to a 5 s run.
 */
import { randomUUID } from 'node:crypto'
import { mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { decodeRecordFile, encodeRecordFile } from '../src/record/record-file.js'
import { FakeDashScope, type Reply } from '../test/fakes/dashscope.js'
import { FakeGitHub } from '../test/fakes/github.js'
import { runAction, type ActionRun } from '../test/e2e/harness.js'
import { type VerdictRecord } from '../src/record/verdicts.js'

const { values } = parseArgs({
  options: {
    images: { type: 'string', default: '2000' },
    latency: { type: 'string', default: '200' },
    rate: { type: 'string', default: '400' },
    shards: { type: 'string', default: '4' },
    concurrency: { type: 'string' },
  },
})
const N = Number(values.images)
const L = Number(values.latency)
const R = Number(values.rate)
const S = Number(values.shards)
const C = Number(values.concurrency ?? Math.min(64, Math.ceil(((R / S) * L) / 2000)))

const github = await new FakeGitHub().start()
const dashscope = await new FakeDashScope().start()
const dir = await mkdtemp(join(tmpdir(), 'aa-bench-audit-'))
const failures: string[] = []
const check = (ok: boolean, what: string) => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`)
  if (!ok) failures.push(what)
}

try {
  const files: Record<string, string> = { 'README.md': '# photos' }
  for (let i = 0; i < N; i++) {
    const name = i % 100 === 7 ? `bad${i}` : `p${i}`
    files[`photos/${String(i % 40).padStart(2, '0')}/${name}.jpg`] = `photo ${i}`
  }
  const sha = github.git.commit(files)
  dashscope.latencyMs = L
  dashscope.rateLimit = R
  // Answers that depend only on the image, so every run gets the same verdicts and request ids.
  dashscope.script = (call): Reply => {
    const name = call.imageUrl.split('/').pop() ?? ''
    return name.startsWith('bad')
      ? {
          status: 400,
          json: { code: 'InvalidFile.Content', message: 'No person.', request_id: `r-${name}` },
        }
      : {
          status: 200,
          json: {
            output: { check_pass: true, bodystyle: 'full' },
            usage: { image_count: 1 },
            request_id: `r-${name}`,
          },
        }
  }
  const record = join(dir, 'aa-record.json')

  const audit = (inputs: Record<string, string>) =>
    runAction({
      eventName: 'schedule',
      payload: {},
      repository: 'acme/photos',
      sha,
      ref: 'refs/heads/main',
      apiUrl: github.url,
      inputs: {
        'api-key': 'sk-bench',
        endpoint: dashscope.endpoint,
        'rate-limit': String(R),
        concurrency: String(C),
        'max-images': String(N),
        ...inputs,
      },
      timeoutMs: 30 * 60_000,
    })

  /** Runs a phase and reports its wall time and the API calls it made, by kind. */
  async function phase<T>(label: string, run: () => Promise<T>): Promise<[T, number]> {
    const githubBefore = github.requests.length
    const detectBefore = dashscope.calls.length
    const throttledBefore = dashscope.throttled
    const started = performance.now()
    const result = await run()
    const wall = (performance.now() - started) / 1000
    const requests = github.requests.slice(githubBefore)
    const gather = requests.filter((r) =>
      /\/(git\/trees|git\/blobs|contents|compare|commits|pulls\/\d+\/files)\b/.test(r.path),
    ).length
    const publish = requests.filter((r) => /\/(comments|user)\b/.test(r.path)).length
    console.log(
      `${label.padEnd(34)} wall ${wall.toFixed(2).padStart(6)} s   API calls: gather ${gather}, detect ${dashscope.calls.length - detectBefore} (429s ${dashscope.throttled - throttledBefore}), publish ${publish}, other ${requests.length - gather - publish}`,
    )
    return [result, wall]
  }

  console.log(
    `bench:audit — dist/index.js against loopback fakes: N=${N} images, L=${L} ms, account R=${R}/s, ${S} shards, concurrency C=${C}\n`,
  )
  const ideal = (images: number, rate: number) => Math.max(images / rate, (images * L) / 1000 / C)
  console.log(
    `ideal: one run max(N/R, N·L/C) = ${ideal(N, R).toFixed(2)} s; one shard max(N/n/(R/n), N/n·L/C) = ${ideal(N / S, R / S).toFixed(2)} s\n`,
  )

  const [single, singleWall] = await phase('(a) 1 shard, writing record-file', () =>
    audit({ 'record-file': record }),
  )
  const shardWalls: number[] = []
  const [shards, shardsWall] = await phase(`(b) ${S} shards in parallel`, () =>
    Promise.all(
      Array.from({ length: S }, async (_, i) => {
        const started = performance.now()
        const run = await audit({
          shard: `${i + 1}/${S}`,
          'results-file': join(dir, `results-${i + 1}.json`),
        })
        shardWalls[i] = (performance.now() - started) / 1000
        return run
      }),
    ),
  )
  // A matrix gives each shard a runner of its own; here they share this machine's cores.
  const largest = shards.reduce(
    (best, run, i) =>
      Number(run.outputs.checked) > Number(shards[best]?.outputs.checked) ? i : best,
    0,
  )
  const [, aloneWall] = await phase(`    shard ${largest + 1}/${S} again, alone`, () =>
    audit({ shard: `${largest + 1}/${S}` }),
  )
  const [merged] = await phase('    merge-results', () =>
    audit({ 'merge-results': join(dir, 'results-*.json') }),
  )
  const callsBefore = dashscope.calls.length
  const [again, againWall] = await phase('(c) again, record-file restored', () =>
    audit({ 'record-file': record }),
  )
  const callsAgain = dashscope.calls.length - callsBefore

  const slowest = Math.max(...shardWalls)
  console.log(
    `\nshard walls: ${shardWalls.map((w) => `${w.toFixed(2)} s`).join(', ')} (all ${S} together ${shardsWall.toFixed(2)} s)`,
  )
  console.log(
    `slowest shard / single run = ${slowest.toFixed(2)} / ${singleWall.toFixed(2)} = ${(slowest / singleWall).toFixed(3)} (target ≤ 0.3)`,
  )
  console.log(
    `largest shard alone / single run = ${aloneWall.toFixed(2)} / ${singleWall.toFixed(2)} = ${(aloneWall / singleWall).toFixed(3)} (one runner per shard, as in a matrix)`,
  )
  console.log(
    `record-file rerun / first  = ${againWall.toFixed(2)} / ${singleWall.toFixed(2)} = ${(againWall / singleWall).toFixed(3)} (target ≤ 0.1)\n`,
  )
  const same = (a: ActionRun, b: ActionRun) =>
    a.exitCode === b.exitCode &&
    a.summary === b.summary &&
    JSON.stringify(a.outputs) === JSON.stringify(b.outputs)
  check(
    single.outputs.checked === String(N),
    `single run checked ${single.outputs.checked} of ${N}`,
  )
  check(
    shards.reduce((total, run) => total + Number(run.outputs.checked), 0) === N,
    `the shards checked ${shards.map((run) => run.outputs.checked).join(' + ')} = ${N}`,
  )
  check(same(merged, single), 'merged outputs, summary and exit status equal the single run')
  check(
    again.exitCode === single.exitCode && again.outputs.results === single.outputs.results,
    'record-file rerun: same results',
  )
  check(callsAgain === 0, `record-file rerun: ${callsAgain} detection requests`)

  // The record file on its own: 100,000 entries.
  const verdicts: VerdictRecord['verdicts'] = new Map()
  for (let i = 0; i < 100_000; i++) {
    verdicts.set(i.toString(16).padStart(40, '0'), {
      status: i % 10 === 0 ? 'reject' : 'pass',
      ...(i % 10 === 0
        ? { code: 'InvalidFile.BodyPose', message: `Pose ${i % 5}.` }
        : { bodystyle: 'full' as const }),
      requestId: randomUUID(),
      at: Date.now() - Math.floor(i / 10_000) * 86_400_000,
    })
  }
  const big: VerdictRecord = { identity: 'a'.repeat(32), scope: 'acme/photos', verdicts }
  let started = performance.now()
  const text = encodeRecordFile(big)
  const writeMs = performance.now() - started
  started = performance.now()
  const parsed = decodeRecordFile(text)
  const readMs = performance.now() - started
  const bytes = Buffer.byteLength(text)
  console.log(
    `\nrecord file, 100,000 entries: ${(bytes / 1024 / 1024).toFixed(2)} MiB, encode ${writeMs.toFixed(0)} ms, decode+validate ${readMs.toFixed(0)} ms (this run's file: ${((await stat(record)).size / 1024).toFixed(0)} KiB)`,
  )
  check(parsed.ok && parsed.value.verdicts.size === 100_000, 'record file round trip')
} finally {
  await github.close()
  await dashscope.close()
  await rm(dir, { recursive: true, force: true })
}
if (failures.length > 0) process.exitCode = 1
