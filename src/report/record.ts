import { deflateRawSync, inflateRawSync } from 'node:zlib'
import type { Bodystyle, Detection } from '../detect/types.js'

const RECORD_START = '<!-- animate-anyone-check:record '
const RECORD_END = ' -->'
const VERSION = 1

/** A verdict the detection gave for one blob; errors are never recorded, so they are retried. */
export interface RecordedVerdict {
  status: 'pass' | 'reject'
  bodystyle?: Bodystyle
  code?: string
  message?: string
  requestId?: string
  /** Milliseconds since the epoch when it was recorded: the oldest are dropped first. */
  at: number
}

/** Verdicts by blob sha, valid only for the detector identity (backend, endpoint, model) they came from. */
export interface VerdictRecord {
  identity: string
  verdicts: Map<string, RecordedVerdict>
}

type Row = [
  sha: string,
  at: number,
  status: 0 | 1,
  bodystyle: string,
  code: string,
  message: string,
  requestId: string,
]

export function recordable(
  detection: Detection,
): detection is Detection & { status: 'pass' | 'reject' } {
  return detection.status === 'pass' || detection.status === 'reject'
}

export function toRecorded(
  detection: Detection & { status: 'pass' | 'reject' },
  at: number,
): RecordedVerdict {
  const verdict: RecordedVerdict = { status: detection.status, at }
  if (detection.bodystyle !== undefined) verdict.bodystyle = detection.bodystyle
  if (detection.code !== undefined) verdict.code = detection.code
  if (detection.message !== undefined) verdict.message = detection.message
  if (detection.requestId !== undefined) verdict.requestId = detection.requestId
  return verdict
}

export function toDetection(verdict: RecordedVerdict): Detection {
  const { at: _at, ...detection } = verdict
  return detection
}

function encodeRows(identity: string, rows: Row[]): string {
  const json = JSON.stringify({ v: VERSION, id: identity, r: rows })
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
  const full = encodeRows(record.identity, rows)
  if (full.length <= maxChars) return full
  // Compressed size grows with the entry count, so the largest count that fits is found by bisection.
  let fits = 0
  let tooMany = rows.length
  while (tooMany - fits > 1) {
    const middle = Math.floor((fits + tooMany) / 2)
    if (encodeRows(record.identity, rows.slice(0, middle)).length <= maxChars) fits = middle
    else tooMany = middle
  }
  return fits === 0 ? '' : encodeRows(record.identity, rows.slice(0, fits))
}

/** Reads the record from a comment body; anything unreadable is no record at all. */
export function decodeRecord(body: string): VerdictRecord | undefined {
  const start = body.indexOf(RECORD_START)
  if (start < 0) return undefined
  const end = body.indexOf(RECORD_END, start + RECORD_START.length)
  if (end < 0) return undefined
  try {
    const json = inflateRawSync(
      Buffer.from(body.slice(start + RECORD_START.length, end), 'base64'),
    ).toString('utf8')
    const parsed = JSON.parse(json) as { v?: unknown; id?: unknown; r?: unknown }
    if (parsed.v !== VERSION || typeof parsed.id !== 'string' || !Array.isArray(parsed.r))
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
    return { identity: parsed.id, verdicts }
  } catch {
    return undefined
  }
}

/**
 * The verdicts a run may reuse and the ones it learns, by blob sha, for one detector identity. A
 * previous record of another identity is not used at all.
 */
export class VerdictCache {
  private readonly verdicts: Map<string, RecordedVerdict>
  /** Whether a previous record was offered but belongs to another backend, endpoint or model. */
  readonly foreign: boolean

  constructor(
    readonly identity: string,
    previous?: VerdictRecord,
    private readonly now: () => number = Date.now,
  ) {
    this.foreign = previous !== undefined && previous.identity !== identity
    this.verdicts = new Map(previous === undefined || this.foreign ? [] : previous.verdicts)
  }

  /** A recorded verdict for this content, marked as used now so it is kept longest. */
  get(sha: string): Detection | undefined {
    const recorded = this.verdicts.get(sha)
    if (recorded === undefined) return undefined
    this.verdicts.set(sha, { ...recorded, at: this.now() })
    return toDetection(recorded)
  }

  /** Keeps a verdict for next time; errors are never kept, so they are retried. */
  remember(sha: string, detection: Detection): void {
    if (recordable(detection)) this.verdicts.set(sha, toRecorded(detection, this.now()))
  }

  get size(): number {
    return this.verdicts.size
  }

  toRecord(): VerdictRecord {
    return { identity: this.identity, verdicts: new Map(this.verdicts) }
  }

  /** The record as a hidden comment of at most maxChars (oldest entries dropped to fit). */
  encode(maxChars: number): string {
    return encodeRecord({ identity: this.identity, verdicts: this.verdicts }, maxChars)
  }
}
