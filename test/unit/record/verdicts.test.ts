import { randomBytes } from 'node:crypto'
import { inflateRawSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { decodeRecord, encodeRecord } from '../../../src/record/comment-record.js'
import {
  VerdictCache,
  identityHash,
  mergeVerdicts,
  type RecordedVerdict,
  type VerdictRecord,
} from '../../../src/record/verdicts.js'

const sha = () => randomBytes(20).toString('hex')

describe('VerdictCache', () => {
  const identity = 'dashscope https://user:hunter2@proxy.example/aa-detect?access_token=tok m'
  const detection = { status: 'reject' as const, code: 'InvalidFile.Content', message: 'two' }

  it('writes only a hash of the detector identity: no endpoint credentials in the comment', () => {
    const cache = new VerdictCache(identity, 'acme/photos#7')
    cache.remember(sha(), detection)
    const text = encodeRecord(cache.toRecord(), 10_000)
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
    const record = decodeRecord(encodeRecord(source.toRecord(), 10_000))
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

describe('mergeVerdicts', () => {
  it('takes the newer verdict of a blob, and reads a time in the future as now', () => {
    const key = sha()
    const now = 1_000_000
    const into = new Map<string, RecordedVerdict>([[key, { status: 'reject', at: now - 10 }]])
    const forged = new Map<string, RecordedVerdict>([[key, { status: 'pass', at: now + 9e11 }]])
    expect(mergeVerdicts(into, forged, now)).toBe(1)
    expect(into.get(key)).toEqual({ status: 'pass', at: now })
    // The verdict this run learns later outranks the clamped one.
    mergeVerdicts(into, new Map([[key, { status: 'reject', at: now + 1 }]]), now + 1)
    expect(into.get(key)?.status).toBe('reject')
  })

  it('never lets a future-dated record outrank what a run detects', () => {
    const key = sha()
    const clock = 5_000
    const previous: VerdictRecord = {
      identity: identityHash('id'),
      scope: 'acme/photos#7',
      verdicts: new Map([[key, { status: 'pass', at: clock + 10 ** 12 }]]),
    }
    const cache = new VerdictCache('id', 'acme/photos#7', previous, () => clock)
    expect(cache.snapshot().get(key)?.at).toBe(clock)
  })
})
