import { createHash } from 'node:crypto'
import { ConfigError } from './errors.js'

/** One part of a run split over a matrix: shard `index` of `count` (1-based). */
export interface Shard {
  index: number
  count: number
}

export const WHOLE_RUN: Shard = { index: 1, count: 1 }

/** A matrix has at most 256 jobs. */
export const MAX_SHARDS = 256

export const describeShard = (shard: Shard): string => `${shard.index}/${shard.count}`

/** Reads `i/n`; the error names the input (or the flag, through ConfigError.input). */
export function parseShard(value: string, input = 'shard'): Shard {
  const match = /^\s*(\d{1,4})\s*\/\s*(\d{1,4})\s*$/.exec(value)
  const index = Number(match?.[1])
  const count = Number(match?.[2])
  if (match === null || index < 1 || count < 1 || index > count || count > MAX_SHARDS) {
    throw new ConfigError(
      input,
      `must be "i/n" with 1 ≤ i ≤ n ≤ ${MAX_SHARDS} (for example "2/4", or "\${{ matrix.shard }}/4"); got "${value}".`,
    )
  }
  return { index, count }
}

/**
 * The shard an image belongs to, by the content's blob sha so that every path of one content
 * lands in the same shard (and is detected once). Blob shas are uniform already; anything else
 * (a local file too large to hash) is hashed first.
 */
export function shardOf(key: string, count: number): number {
  const hex = /^[0-9a-f]{8}/.test(key) ? key : createHash('sha1').update(key).digest('hex')
  return (Number.parseInt(hex.slice(0, 8), 16) % count) + 1
}

export const inShard = (key: string, shard: Shard): boolean =>
  shard.count === 1 || shardOf(key, shard.count) === shard.index
