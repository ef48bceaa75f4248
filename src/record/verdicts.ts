import { createHash } from 'node:crypto'
import type { Bodystyle, Detection } from '../detect/types.js'

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

/**
 * Adds `incoming` verdicts to `into`, the newer verdict of a sha winning. A time in the future is
 * read as now: a record dated years ahead (forged, or from a skewed clock) never outranks the
 * verdicts this run learns. Returns how many were taken.
 */
export function mergeVerdicts(
  into: Map<string, RecordedVerdict>,
  incoming: ReadonlyMap<string, RecordedVerdict>,
  now: number,
): number {
  let taken = 0
  for (const [sha, verdict] of incoming) {
    const at = Math.min(verdict.at, now)
    const known = into.get(sha)
    if (known === undefined || known.at < at) {
      into.set(sha, at === verdict.at ? verdict : { ...verdict, at })
      taken++
    }
  }
  return taken
}

/**
 * The verdicts a run may reuse and the ones it learns, by blob sha, for one detector identity. A
 * previous record of another identity or scope is not used at all.
 */
export class VerdictCache {
  private readonly verdicts = new Map<string, RecordedVerdict>()
  /** The identity as it is written: hashed. */
  readonly identity: string
  /** Whether a previous record was offered but belongs to another detector or another scope. */
  readonly foreign: boolean

  /** `identity` is the detector's identity, hashed here for the record. */
  constructor(
    identity: string,
    readonly scope: string,
    previous?: VerdictRecord,
    private readonly now: () => number = Date.now,
  ) {
    this.identity = identityHash(identity)
    this.foreign =
      previous !== undefined && (previous.identity !== this.identity || previous.scope !== scope)
    if (previous !== undefined && !this.foreign) {
      mergeVerdicts(this.verdicts, previous.verdicts, this.now())
    }
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
   * Adds another record's verdicts (a record file) when it is of the same detector identity; the
   * caller has checked its scope. Returns how many were taken, or undefined when the identity
   * differs.
   */
  absorb(record: VerdictRecord): number | undefined {
    if (record.identity !== this.identity) return undefined
    return mergeVerdicts(this.verdicts, record.verdicts, this.now())
  }

  /** Keeps a verdict for next time; errors are never kept, so they are retried. */
  remember(sha: string, detection: Detection): void {
    if (recordable(detection)) this.verdicts.set(sha, toRecorded(detection, this.now()))
  }

  get size(): number {
    return this.verdicts.size
  }

  /** A copy of every verdict, reused and new. */
  snapshot(): Map<string, RecordedVerdict> {
    return new Map(this.verdicts)
  }

  toRecord(): VerdictRecord {
    return { identity: this.identity, scope: this.scope, verdicts: this.snapshot() }
  }
}
