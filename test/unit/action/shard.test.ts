import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { inShard, parseShard, shardDetectorConfig, shardOf } from '../../../src/action/shard.js'
import type { DetectorConfig } from '../../../src/config/config.js'
import { ConfigError } from '../../../src/shared/errors.js'
import { silentLogger } from '../../../src/shared/log.js'

const sha = (i: number) => createHash('sha1').update(`blob ${i}`).digest('hex')

describe('parseShard', () => {
  it.each([
    ['1/1', { index: 1, count: 1 }],
    ['2/4', { index: 2, count: 4 }],
    [' 3 / 3 ', { index: 3, count: 3 }],
  ])('reads %j', (value, expected) => {
    expect(parseShard(value)).toEqual(expected)
  })

  it.each(['0/3', '4/3', '1/0', '1', 'a/b', '1/2/3', '-1/2', '1/257', ''])(
    'refuses %j with an error naming the input',
    (value) => {
      expect(() => parseShard(value)).toThrow(ConfigError)
      expect(() => parseShard(value)).toThrow(
        `Input "shard" must be "i/n" with 1 ≤ i ≤ n ≤ 256 (for example "2/4", or "\${{ matrix.shard }}/4"); got "${value}".`,
      )
    },
  )
})

describe('shard assignment', () => {
  const shas = Array.from({ length: 3000 }, (_, i) => sha(i))

  it('puts every blob in exactly one of n shards, evenly', () => {
    for (const count of [1, 2, 3, 7]) {
      const sizes = new Array<number>(count).fill(0)
      const notOnce: string[] = []
      for (const key of shas) {
        const owners = Array.from({ length: count }, (_, i) => i + 1).filter((index) =>
          inShard(key, { index, count }),
        )
        if (owners.length !== 1) notOnce.push(key)
        const owner = (owners[0] ?? 1) - 1
        sizes[owner] = (sizes[owner] ?? 0) + 1
      }
      expect(notOnce).toEqual([])
      for (const size of sizes) expect(Math.abs(size - 3000 / count)).toBeLessThan(150)
    }
  })

  it('is stable: the first 8 hex digits of the sha modulo n', () => {
    expect(shardOf('0000000a' + '0'.repeat(32), 3)).toBe((10 % 3) + 1)
    expect(shardOf('ffffffff' + '0'.repeat(32), 4)).toBe((0xffffffff % 4) + 1)
    expect(shardOf(shas[5] ?? '', 5)).toBe(shardOf(shas[5] ?? '', 5))
  })

  it('hashes a key that is not a sha (a local file too large to hash)', () => {
    const shard = shardOf('photos/huge.jpg', 4)
    expect(shard).toBeGreaterThanOrEqual(1)
    expect(shard).toBeLessThanOrEqual(4)
  })
})

describe('shardDetectorConfig', () => {
  const dashscope: DetectorConfig = {
    backend: 'dashscope',
    apiKey: 'k',
    endpoint: new URL('https://example.com/aa'),
    model: 'm',
    timeoutMs: 1000,
    concurrency: 4,
    rateLimit: 400,
    maxRetries: 1,
    upload: false,
  }

  it('divides the account rate limit between the shards, and says so', () => {
    const lines: string[] = []
    const config = shardDetectorConfig(
      dashscope,
      { index: 2, count: 4 },
      { ...silentLogger, info: (line) => lines.push(line) },
    )
    expect(config).toMatchObject({ rateLimit: 100 })
    expect(lines).toEqual([
      'shard 2/4: using rate-limit 400/4 = 100 requests/s — the shards share one account.',
    ])
  })

  it('leaves an unsharded run and the local detector alone', () => {
    expect(shardDetectorConfig(dashscope, { index: 1, count: 1 }, silentLogger)).toBe(dashscope)
    const local: DetectorConfig = { backend: 'local', concurrency: 2 }
    expect(shardDetectorConfig(local, { index: 1, count: 3 }, silentLogger)).toBe(local)
  })
})
