import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { runCli } from './harness.js'

const cli = (args: string[]) => runCli(args)

let dir = ''
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aa-cli-shards-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('aa-check audit --shard and merge', () => {
  it('merges two shards into the report one audit writes, with its exit status', async () => {
    const photos = 'test/fixtures/photos'
    const whole = await cli(['audit', photos, '--format', 'markdown'])
    const wholeJson = await cli(['audit', photos, '--format', 'json'])
    const shards = await Promise.all(
      [1, 2].map((i) =>
        cli(['audit', photos, '--shard', `${i}/2`, '--results-file', join(dir, `r${i}.json`)]),
      ),
    )
    const sizes = await Promise.all(
      [1, 2].map(async (i) => {
        const file = JSON.parse(await readFile(join(dir, `r${i}.json`), 'utf8')) as {
          results: unknown[]
        }
        return file.results.length
      }),
    )
    expect(sizes.reduce((a, b) => a + b)).toBe(6)
    expect(sizes.every((size) => size > 0)).toBe(true)
    expect(shards.map((run, i) => run.stdout.includes(`shard ${i + 1}/2`))).toEqual([true, true])

    const merged = await cli(['merge', join(dir, 'r2.json'), join(dir, 'r1.json')])
    expect(merged.code).toBe(whole.code)
    expect(merged.code).toBe(1)
    expect(merged.stdout).toBe(whole.stdout)
    const mergedJson = await cli([
      'merge',
      join(dir, 'r1.json'),
      join(dir, 'r2.json'),
      '--format',
      'json',
      '--output',
      join(dir, 'merged.json'),
    ])
    expect(mergedJson.code).toBe(1)
    expect(await readFile(join(dir, 'merged.json'), 'utf8')).toBe(wholeJson.stdout)
  })

  it('exits 2 naming a missing shard, and on a malformed --shard', async () => {
    await cli([
      'audit',
      'test/fixtures/photos',
      '--shard',
      '1/2',
      '--results-file',
      join(dir, 'r1.json'),
    ])
    const missing = await cli(['merge', join(dir, 'r1.json')])
    expect(missing.code).toBe(2)
    expect(missing.stderr).toBe(
      'aa-check: Cannot merge: the files are not the shards 1..n of one run: shard 2/2 is missing.\n',
    )
    const bad = await cli(['audit', 'test/fixtures/photos', '--shard', '3/2'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('aa-check: Option --shard must be "i/n"')
  })
})
