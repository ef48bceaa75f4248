import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  findResultsFiles,
  loadResultsFiles,
  mergeShards,
  shardProblems,
  type NamedResults,
} from '../../../src/report/merge.js'
import { parseResultsFile, toResultsFile } from '../../../src/report/results-file.js'
import { recordToJson } from '../../../src/record/record-file.js'
import type { RunReport } from '../../../src/report/run-report.js'
import { inShard, type Shard } from '../../../src/core/shard.js'
import type { ImageResult } from '../../../src/decide/decide.js'
import { VerdictCache, identityHash } from '../../../src/record/verdicts.js'

const IDENTITY = 'dashscope https://example.com/aa m'
const sha = (i: number) => (i * 2654435761).toString(16).padStart(8, '0').slice(-8).repeat(5)
const result = (path: string, status: ImageResult['status'] = 'pass'): ImageResult => ({
  path,
  url: `https://raw.example/${path}`,
  status,
  bodystyle: status === 'pass' ? 'full' : null,
  code: status === 'reject' ? 'InvalidFile.Content' : null,
  message: null,
  requestId: `rid-${path}`,
  sha: null,
})

/** Shard `index` of `count` of a 30-image run: the images whose sha falls in it. */
function shardFile(shard: Shard, overrides: Partial<{ sha: string; identity: string }> = {}) {
  const cache = new VerdictCache(overrides.identity ?? IDENTITY, 'acme/photos')
  const results: ImageResult[] = []
  for (let i = 0; i < 30; i++) {
    if (!inShard(sha(i), shard)) continue
    const status = i % 7 === 0 ? 'reject' : 'pass'
    results.push(result(`photos/${String(i).padStart(2, '0')}.jpg`, status))
    cache.remember(sha(i), { status, requestId: `rid-${i}` })
  }
  const text = JSON.stringify(
    toResultsFile({
      repository: 'acme/photos',
      sha: overrides.sha ?? 'a'.repeat(40),
      scope: 'every image at aaaaaaa',
      shard,
      detector: 'DashScope m',
      identity: cache.identity,
      results,
      reused: 1,
      stats: { requests: results.length, retries: 0, throttled: 0 },
      skipped: [{ path: 'link.jpg', reason: 'symbolic link' }],
      verdicts: cache.snapshot(),
    }),
  )
  const parsed = parseResultsFile(text)
  if (!parsed.ok) throw new Error(parsed.problem)
  return parsed.value
}

const named = (name: string, file: RunReport): NamedResults => ({ name, file })
const three = () => [1, 2, 3].map((index) => shardFile({ index, count: 3 }))

describe('shardProblems', () => {
  it('accepts shards 1..n of one run, in any order', () => {
    const [a, b, c] = three()
    if (a === undefined || b === undefined || c === undefined) throw new Error('no shards')
    expect(shardProblems([named('c.json', c), named('a.json', a), named('b.json', b)])).toEqual([])
  })

  it('names a missing and a repeated shard', () => {
    const [a, , c] = three()
    if (a === undefined || c === undefined) throw new Error('no shards')
    expect(
      shardProblems([named('a.json', a), named('b.json', a), named('c.json', c)]).join('; '),
    ).toBe('shard 2/3 is missing; shard 1/3 appears twice (a.json, b.json)')
  })

  it('names files of another commit, detector or split', () => {
    const [a, b] = three()
    if (a === undefined || b === undefined) throw new Error('no shards')
    const other = shardFile({ index: 3, count: 3 }, { sha: 'b'.repeat(40), identity: 'local' })
    const problems = shardProblems([named('a.json', a), named('b.json', b), named('c.json', other)])
    expect(problems[0]).toBe(
      'the files are of different commits: aaaaaaa (a.json, b.json), bbbbbbb (c.json)',
    )
    expect(problems[1]).toMatch(
      /^the files come from different detectors \(backend, endpoint or model\): [0-9a-f]{8} \(a\.json, b\.json\), [0-9a-f]{8} \(c\.json\)$/,
    )
    const four = shardFile({ index: 3, count: 4 })
    expect(shardProblems([named('a.json', a), named('d.json', four)])).toEqual([
      'the files split the run differently: 3 shards (a.json), 4 shards (d.json)',
    ])
  })

  it('names a path that two shards both list', () => {
    const [a, b, c] = three()
    if (a === undefined || b === undefined || c === undefined) throw new Error('no shards')
    const stolen = { ...b, results: [...b.results, ...a.results.slice(0, 1)] }
    expect(
      shardProblems([named('a.json', a), named('b.json', stolen), named('c.json', c)]),
    ).toEqual([`${a.results[0]?.path ?? ''} is in both a.json and b.json`])
  })

  it('shows hostile file names safely', () => {
    const [a] = three()
    if (a === undefined) throw new Error('no shards')
    expect(shardProblems([named('x\n::error::y', a)])[0]).toBe('shard 2/3 is missing')
    expect(shardProblems([named('x\n::error::y', a), named('z', a)]).join(' ')).toContain(
      'x\\n::error::y',
    )
  })
})

describe('mergeShards', () => {
  it('gives the unsharded run: every result in path order, summed counts, one record', () => {
    const files = three().map((file, i) => named(`${i}.json`, file))
    const merged = mergeShards(files)
    expect(merged.results.map((r) => r.path)).toEqual(
      Array.from({ length: 30 }, (_, i) => `photos/${String(i).padStart(2, '0')}.jpg`),
    )
    expect(merged.verdicts.size).toBe(30)
    expect(merged.reused).toBe(3)
    expect(merged.stats.requests).toBe(30)
    expect(merged.skipped).toEqual([{ path: 'link.jpg', reason: 'symbolic link' }])
    expect(merged.scope).toBe('every image at aaaaaaa')
  })
})

describe('mergeShards and times', () => {
  it('reads a verdict dated in the future as now', () => {
    const [a, b, c] = three()
    if (a === undefined || b === undefined || c === undefined) throw new Error('no shards')
    const [key, verdict] = [...a.verdicts][0] ?? []
    if (key === undefined || verdict === undefined) throw new Error('no verdict')
    const forged = { ...a, verdicts: new Map([[key, { ...verdict, at: Date.UTC(2099, 0, 1) }]]) }
    const now = Date.UTC(2026, 11, 2)
    const merged = mergeShards([named('a', forged), named('b', b), named('c', c)], now)
    expect(merged.verdicts.get(key)?.at).toBe(now)
  })
})

describe('results files', () => {
  it("read only the shard's own verdicts, and none that contradicts the file's own results", () => {
    const shard = { index: 1, count: 3 }
    const shas = Array.from({ length: 30 }, (_, i) => sha(i))
    const mine = shas.find((s) => inShard(s, shard)) ?? ''
    const kept = shas.filter((s) => inShard(s, shard))[1] ?? ''
    const theirs = shas.find((s) => !inShard(s, shard)) ?? ''
    const file = toResultsFile({
      repository: 'acme/photos',
      sha: 'a'.repeat(40),
      scope: 's',
      shard,
      detector: 'd',
      identity: identityHash(IDENTITY),
      results: [{ ...result('a.jpg', 'reject'), sha: mine }],
      reused: 0,
      stats: { requests: 1, retries: 0, throttled: 0 },
      skipped: [],
      verdicts: new Map(),
    })
    // Written by hand, as an edited file would be: a pass for the rejected blob, one for another
    // shard's blob, and a verdict of an earlier run for another blob of this shard.
    const planted = recordToJson({
      identity: identityHash(IDENTITY),
      scope: 'acme/photos',
      verdicts: new Map([
        [mine, { status: 'pass', at: 1 }],
        [theirs, { status: 'pass', at: 1 }],
        [kept, { status: 'reject', at: 1 }],
      ]),
    })
    const read = parseResultsFile(JSON.stringify({ ...file, record: planted }))
    expect(read.ok && [...read.value.verdicts.keys()]).toEqual([kept])
  })

  it.each([
    ['not JSON', 'x', 'it is not valid JSON'],
    ['another file', '{"format":"x"}', 'it is not a results file'],
    [
      'a newer version',
      '{"format":"animate-anyone-check/results","version":2}',
      'it is of results version 2; this action reads version 1',
    ],
  ])('refuses %s', (_, text, message) => {
    expect(parseResultsFile(text)).toEqual({ ok: false, problem: message })
  })

  it('refuses a malformed result and a broken record', () => {
    const file = JSON.parse(JSON.stringify(toResultsFileFor({ index: 1, count: 1 }))) as Record<
      string,
      unknown
    >
    expect(parseResultsFile(JSON.stringify({ ...file, results: [{ path: 1 }] }))).toEqual({
      ok: false,
      problem: 'result 1 is malformed',
    })
    expect(parseResultsFile(JSON.stringify({ ...file, record: {} }))).toEqual({
      ok: false,
      problem: 'its verdict record is unusable: it is not a verdict record',
    })
  })

  let dir = ''
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'aa-merge-'))
  })
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('are found by globs relative to the workspace, sorted, and named relative to it', async () => {
    for (const name of ['shards/b/r.json', 'shards/a/r.json', 'other.json']) {
      const path = join(dir, name)
      await mkdir(join(path, '..'), { recursive: true })
      await writeFile(path, JSON.stringify(toResultsFileFor({ index: 1, count: 1 })))
    }
    const paths = await findResultsFiles(['shards/*/r.json'], dir)
    expect(paths).toEqual([join(dir, 'shards/a/r.json'), join(dir, 'shards/b/r.json')])
    const loaded = await loadResultsFiles(paths, dir)
    expect(loaded.ok && loaded.value.map((f) => f.name)).toEqual([
      'shards/a/r.json',
      'shards/b/r.json',
    ])
    await writeFile(join(dir, 'shards/b/r.json'), '{')
    expect(await loadResultsFiles(paths, dir)).toEqual({
      ok: false,
      problem: 'cannot use shards/b/r.json: it is not valid JSON',
    })
  })
})

function toResultsFileFor(shard: Shard) {
  return toResultsFile({
    repository: 'acme/photos',
    sha: 'a'.repeat(40),
    scope: 's',
    shard,
    detector: 'd',
    identity: identityHash(IDENTITY),
    results: [result('a.jpg')],
    reused: 0,
    stats: { requests: 1, retries: 0, throttled: 0 },
    skipped: [],
    verdicts: new Map(),
  })
}
