import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { inShard, parseShard, shardOf } from '../../../src/core/shard.js'
import { ConfigError } from '../../../src/core/errors.js'

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
