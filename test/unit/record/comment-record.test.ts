import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { inflateRawSync } from 'node:zlib'
import {
  VerdictCache,
  decodeRecord,
  encodeRecord,
  identityHash,
  type RecordedVerdict,
  type VerdictRecord,
} from '../../../src/record/comment-record.js'

const sha = () => randomBytes(20).toString('hex')

describe('verdict record', () => {
  it('round-trips through a comment body', () => {
    const verdicts = new Map<string, RecordedVerdict>([
      [sha(), { status: 'pass', bodystyle: 'full', requestId: 'r1', at: 1 }],
      [
        sha(),
        { status: 'reject', code: 'InvalidFile.Content', message: 'two people | <b>', at: 2 },
      ],
    ])
    const record: VerdictRecord = {
      identity: 'dashscope https://x/ m',
      scope: 'acme/photos#7',
      verdicts,
    }
    const text = encodeRecord(record, 10_000)
    expect(text).toMatch(/^<!-- animate-anyone-check:record [A-Za-z0-9+/=]+ -->$/)
    expect(decodeRecord(`report\n\n${text}`)).toEqual(record)
  })

  it('drops the oldest entries first to fit', () => {
    const verdicts = new Map<string, RecordedVerdict>()
    for (let i = 0; i < 2000; i++)
      verdicts.set(sha(), { status: 'pass', bodystyle: 'half', requestId: `req-${i}`, at: i })
    const text = encodeRecord({ identity: 'id', scope: 'acme/photos#7', verdicts }, 8_000)
    expect(text.length).toBeLessThanOrEqual(8_000)
    const kept = decodeRecord(text)?.verdicts
    expect(kept?.size).toBeGreaterThan(50)
    expect(kept?.size).toBeLessThan(2000)
    const ages = [...(kept?.values() ?? [])].map((v) => v.at)
    expect(Math.min(...ages)).toBe(2000 - (kept?.size ?? 0))
  })

  it('reads garbage as no record', () => {
    expect(decodeRecord('no record here')).toBeUndefined()
    expect(decodeRecord('<!-- animate-anyone-check:record !!!notbase64 -->')).toBeUndefined()
  })
})

describe('VerdictCache', () => {
  const identity = 'dashscope https://user:hunter2@proxy.example/aa-detect?access_token=tok m'
  const detection = { status: 'reject' as const, code: 'InvalidFile.Content', message: 'two' }

  it('writes only a hash of the detector identity: no endpoint credentials in the comment', () => {
    const cache = new VerdictCache(identity, 'acme/photos#7')
    cache.remember(sha(), detection)
    const text = cache.encode(10_000)
    const decoded = decodeRecord(text)
    expect(decoded?.identity).toBe(identityHash(identity))
    const json = inflateRawSync(
      Buffer.from(text.replace(/^<!-- \S+ /, '').replace(/ -->$/, ''), 'base64'),
    ).toString('utf8')
    expect(json).not.toContain('hunter2')
    expect(json).not.toContain('access_token')
    expect(json).not.toContain('proxy.example')
  })

  it('reuses a record of the same identity and scope only', () => {
    const key = sha()
    const source = new VerdictCache(identity, 'acme/photos#7')
    source.remember(key, detection)
    const record = decodeRecord(source.encode(10_000))
    expect(new VerdictCache(identity, 'acme/photos#7', record).get(key)).toEqual(detection)
    const copied = new VerdictCache(identity, 'acme/photos#8', record)
    expect(copied.foreign).toBe(true)
    expect(copied.get(key)).toBeUndefined()
    expect(new VerdictCache('local other', 'acme/photos#7', record).get(key)).toBeUndefined()
  })

  it('never keeps errors', () => {
    const cache = new VerdictCache(identity, 'acme/photos#7')
    cache.remember(sha(), { status: 'error', code: 'Timeout' })
    expect(cache.size).toBe(0)
  })
})
