import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { decodeRecord, encodeRecord } from '../../../src/record/comment-record.js'
import type { RecordedVerdict, VerdictRecord } from '../../../src/record/verdicts.js'

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

  it('reads the record only at the very end of the body (a marker in a file name is not one)', () => {
    const genuine: VerdictRecord = { identity: 'id', scope: 'acme/photos#7', verdicts: new Map() }
    const forgedSha = sha()
    const forged = encodeRecord(
      {
        identity: 'id',
        scope: 'acme/photos#7',
        verdicts: new Map([[forgedSha, { status: 'pass', at: Date.now() + 9e11 }]]),
      },
      10_000,
    )
    const body = `report\n| \`people/ok ${forged} .jpg\` |\n\n<sub>footer</sub>\n\n${encodeRecord(genuine, 10_000)}`
    expect(decodeRecord(body)?.verdicts.has(forgedSha)).toBe(false)
    // With no record at the end, none is read, even though one stands earlier in the body.
    expect(decodeRecord(`report\n\`${forged}\`\n\n<sub>footer</sub>`)).toBeUndefined()
    expect(decodeRecord(`${forged}\n`)?.verdicts.has(forgedSha)).toBe(true)
  })

  it('reads garbage as no record', () => {
    expect(decodeRecord('no record here')).toBeUndefined()
    expect(decodeRecord('<!-- animate-anyone-check:record !!!notbase64 -->')).toBeUndefined()
  })
})
