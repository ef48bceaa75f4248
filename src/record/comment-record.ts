import { deflateRawSync, inflateRawSync } from 'node:zlib'
import type { RecordedVerdict, VerdictRecord } from './verdicts.js'

const RECORD_START = '<!-- animate-anyone-check:record '
const RECORD_END = ' -->'
/** 2: the identity is stored hashed and the record is bound to its scope (repository and PR). */
const VERSION = 2

type Row = [
  sha: string,
  at: number,
  status: 0 | 1,
  bodystyle: string,
  code: string,
  message: string,
  requestId: string,
]

function encodeRows(record: VerdictRecord, rows: Row[]): string {
  const json = JSON.stringify({ v: VERSION, id: record.identity, s: record.scope, r: rows })
  return `${RECORD_START}${deflateRawSync(json).toString('base64')}${RECORD_END}`
}

/**
 * The record as a hidden HTML comment of at most maxChars, keeping the newest verdicts: when it
 * does not fit, the oldest entries are dropped first. Empty when not even one entry fits.
 */
export function encodeRecord(record: VerdictRecord, maxChars: number): string {
  const rows: Row[] = [...record.verdicts]
    .sort(([, a], [, b]) => b.at - a.at)
    .map(([sha, v]) => [
      sha,
      v.at,
      v.status === 'pass' ? 1 : 0,
      v.bodystyle ?? '',
      v.code ?? '',
      v.message ?? '',
      v.requestId ?? '',
    ])
  const full = encodeRows(record, rows)
  if (full.length <= maxChars) return full
  // Compressed size grows with the entry count, so the largest count that fits is found by bisection.
  let fits = 0
  let tooMany = rows.length
  while (tooMany - fits > 1) {
    const middle = Math.floor((fits + tooMany) / 2)
    if (encodeRows(record, rows.slice(0, middle)).length <= maxChars) fits = middle
    else tooMany = middle
  }
  return fits === 0 ? '' : encodeRows(record, rows.slice(0, fits))
}

/**
 * The record's one place: the very end of the comment, after the footer. A marker anywhere else (a
 * file name shown in the report, say) is never read.
 */
const RECORD_AT_END = /<!-- animate-anyone-check:record ([A-Za-z0-9+/]+={0,2}) -->\s*$/

/** Reads the record from a comment body; anything unreadable is no record at all. */
export function decodeRecord(body: string): VerdictRecord | undefined {
  const encoded = RECORD_AT_END.exec(body)?.[1]
  if (encoded === undefined) return undefined
  try {
    const json = inflateRawSync(Buffer.from(encoded, 'base64')).toString('utf8')
    const parsed = JSON.parse(json) as { v?: unknown; id?: unknown; s?: unknown; r?: unknown }
    if (
      parsed.v !== VERSION ||
      typeof parsed.id !== 'string' ||
      typeof parsed.s !== 'string' ||
      !Array.isArray(parsed.r)
    )
      return undefined
    const verdicts = new Map<string, RecordedVerdict>()
    for (const row of parsed.r as unknown[]) {
      if (!Array.isArray(row) || row.length !== 7) continue
      const [sha, at, status, bodystyle, code, message, requestId] = row as unknown[]
      if (typeof sha !== 'string' || !/^[0-9a-f]{40,64}$/.test(sha) || typeof at !== 'number')
        continue
      const verdict: RecordedVerdict = { status: status === 1 ? 'pass' : 'reject', at }
      if (bodystyle === 'full' || bodystyle === 'half') verdict.bodystyle = bodystyle
      if (typeof code === 'string' && code !== '') verdict.code = code
      if (typeof message === 'string' && message !== '') verdict.message = message
      if (typeof requestId === 'string' && requestId !== '') verdict.requestId = requestId
      verdicts.set(sha, verdict)
    }
    return { identity: parsed.id, scope: parsed.s, verdicts }
  } catch {
    return undefined
  }
}
