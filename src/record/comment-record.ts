import { createHash } from 'node:crypto'
import { deflateRawSync, inflateRawSync } from 'node:zlib'
import type { Bodystyle, Detection } from '../detect/types.js'

const RECORD_START = '<!-- animate-anyone-check:record '
const RECORD_END = ' -->'
/** 2: the identity is stored hashed and the record is bound to its scope (repository and PR). */
const VERSION = 2

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

/**
 * Verdicts by blob sha, valid only for the detector identity (backend, endpoint, model) they came
 * from and the scope they were written for (`owner/repo#pr`, `owner/repo`).
 */
export interface VerdictRecord {
  /** `identityHash(identity)`: the endpoint can hold credentials, so only a hash is ever written. */
  identity: string
  scope: string
  verdicts: Map<string, RecordedVerdict>
}

/** A one-way name for a detector identity: equal identities match, nothing of it can be read back. */
export function identityHash(identity: string): string {
  return createHash('sha256').update(identity).digest('hex').slice(0, 32)
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

/**
 * The verdicts a run may reuse and the ones it learns, by blob sha, for one detector identity. A
 * previous record of another identity is not used at all.
 */
export class VerdictCache {
  private readonly verdicts: Map<string, RecordedVerdict>
  /** The identity as it is written: hashed. */
  readonly identity: string
  /** Whether a previous record was offered but belongs to another detector or another scope. */
  readonly foreign: boolean

  /** `identity` is the detector's, or `{ hashed }` when only the written form is known (a merge). */
  constructor(
    identity: string | { hashed: string },
    readonly scope: string,
    previous?: VerdictRecord,
    private readonly now: () => number = Date.now,
  ) {
    this.identity = typeof identity === 'string' ? identityHash(identity) : identity.hashed
    this.foreign =
      previous !== undefined && (previous.identity !== this.identity || previous.scope !== scope)
    this.verdicts = new Map(previous === undefined || this.foreign ? [] : previous.verdicts)
  }

  /** A recorded verdict for this content, marked as used now so it is kept longest. */
  get(sha: string): Detection | undefined {
    const recorded = this.verdicts.get(sha)
    if (recorded === undefined) return undefined
    this.verdicts.set(sha, { ...recorded, at: this.now() })
    return toDetection(recorded)
  }

  /** Whether a verdict for this content is recorded (without marking it used). */
  has(sha: string): boolean {
    return this.verdicts.has(sha)
  }

  /**
   * Adds another record's verdicts (a record file, a shard's results) when it is of the same
   * detector identity; the caller has checked its scope. The newer verdict of a sha wins.
   * Returns how many were taken, or undefined when the identity differs.
   */
  absorb(record: VerdictRecord): number | undefined {
    if (record.identity !== this.identity) return undefined
    let taken = 0
    for (const [sha, verdict] of record.verdicts) {
      const known = this.verdicts.get(sha)
      if (known === undefined || known.at < verdict.at) {
        this.verdicts.set(sha, verdict)
        taken++
      }
    }
    return taken
  }

  /** Keeps a verdict for next time; errors are never kept, so they are retried. */
  remember(sha: string, detection: Detection): void {
    if (recordable(detection)) this.verdicts.set(sha, toRecorded(detection, this.now()))
  }

  get size(): number {
    return this.verdicts.size
  }

  toRecord(): VerdictRecord {
    return { identity: this.identity, scope: this.scope, verdicts: new Map(this.verdicts) }
  }

  /** The record as a hidden comment of at most maxChars (oldest entries dropped to fit). */
  encode(maxChars: number): string {
    return encodeRecord(this.toRecord(), maxChars)
  }
}
