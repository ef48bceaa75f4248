import { describe, expect, it } from 'vitest'
import { silentLogger } from '../../../src/core/log.js'
import { shardDetectorConfig, type DetectorConfig } from '../../../src/config/config.js'

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
