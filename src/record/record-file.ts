import { createHash, createHmac, timingSafeEqual } from 'node:crypto'
import { writeFileAtomic } from '../core/atomic-file.js'
import { errorMessage } from '../core/errors.js'
import { asObject } from '../core/json.js'
import { readRegularFile } from '../core/regular-file.js'
import { parsed, problem, type Parsed } from '../core/result.js'
import type { Logger } from '../core/log.js'
import { safeText } from '../core/untrusted.js'
import { type RecordedVerdict, type VerdictRecord } from './verdicts.js'

/** The version this code writes; a file of a later version is ignored, never half-read. */
export const RECORD_FILE_VERSION = 1
/** A record of 100,000 images is about 9 MB; a far larger file is not one of ours. */
const MAX_RECORD_FILE_BYTES = 256 * 1024 * 1024

type VerdictShape = [status: 0 | 1, bodystyle: string, code: string, message: string]

/**
 * The record as JSON, column by column so that 100,000 entries stay under 10 MB: each distinct
 * verdict (status, body style, code, message) is written once in `verdicts`, and entries are
 * sorted newest first with `at` holding the seconds since the entry before (mostly 0).
 */
export interface RecordFileJson {
  version: number
  /** `identityHash` of the detector identity. */
  identity: string
  /** The repository, `owner/repo`. */
  scope: string
  count: number
  /** Seconds since the epoch of the newest entry. */
  newest: number
  verdicts: VerdictShape[]
  shas: string[]
  at: number[]
  verdict: number[]
  requestIds: string[]
  /**
   * sha256 of the JSON of every other field, in this order: a damaged or edited file is ignored.
   * With `record-key`, `hmac-sha256:` and the HMAC of that JSON under the key: only a holder of
   * the key can write a file the action trusts.
   */
  checksum: string
}

const HMAC_PREFIX = 'hmac-sha256:'

/** The checksum of a record's JSON: a plain sha256, or an HMAC when a key signs the file. */
function checksumOf(json: string, key = ''): string {
  return key === ''
    ? createHash('sha256').update(json).digest('hex')
    : `${HMAC_PREFIX}${createHmac('sha256', key).update(json).digest('hex')}`
}

function checksumProblem(json: string, checksum: unknown, key: string): string | undefined {
  if (typeof checksum !== 'string') return 'it has no checksum'
  const signed = checksum.startsWith(HMAC_PREFIX)
  if (key === '' && signed)
    return 'it is signed with a record-key, and this run has none to verify it with'
  if (key !== '' && !signed)
    return 'it is not signed with the record-key (anyone could have written it)'
  const expected = Buffer.from(checksumOf(json, key))
  const actual = Buffer.from(checksum)
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual))
    return key === ''
      ? 'its checksum does not match its content (damaged or edited)'
      : 'its signature does not match its content under the record-key (edited, or another key)'
  return undefined
}

function recordBody(record: VerdictRecord): Omit<RecordFileJson, 'checksum'> {
  const entries = [...record.verdicts]
    .map(([sha, verdict]) => ({ sha, verdict, seconds: Math.floor(verdict.at / 1000) }))
    .sort((a, b) => b.seconds - a.seconds || (a.sha < b.sha ? -1 : a.sha > b.sha ? 1 : 0))
  const shapes = new Map<string, number>()
  const verdicts: VerdictShape[] = []
  const shas: string[] = []
  const at: number[] = []
  const verdict: number[] = []
  const requestIds: string[] = []
  const newest = entries[0]?.seconds ?? 0
  let previous = newest
  for (const entry of entries) {
    const { status, bodystyle, code, message, requestId } = entry.verdict
    const shape: VerdictShape = [
      status === 'pass' ? 1 : 0,
      bodystyle ?? '',
      code ?? '',
      message ?? '',
    ]
    const key = `${shape[0]}\u0000${shape[1]}\u0000${shape[2]}\u0000${shape[3]}`
    let index = shapes.get(key)
    if (index === undefined) {
      index = verdicts.push(shape) - 1
      shapes.set(key, index)
    }
    shas.push(entry.sha)
    at.push(previous - entry.seconds)
    previous = entry.seconds
    verdict.push(index)
    requestIds.push(requestId ?? '')
  }
  return {
    version: RECORD_FILE_VERSION,
    identity: record.identity,
    scope: record.scope,
    count: entries.length,
    newest,
    verdicts,
    shas,
    at,
    verdict,
    requestIds,
  }
}

export function recordToJson(record: VerdictRecord): RecordFileJson {
  const body = recordBody(record)
  return { ...body, checksum: checksumOf(JSON.stringify(body)) }
}

/** The file's text: `recordToJson`'s JSON, with the body stringified once; signed with `key`. */
export function encodeRecordFile(record: VerdictRecord, key = ''): string {
  const body = JSON.stringify(recordBody(record))
  return `${body.slice(0, -1)},"checksum":"${checksumOf(body, key)}"}`
}

const isCount = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0
const isSha = (value: unknown): value is string =>
  typeof value === 'string' && /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/.test(value)

function shapeToVerdict(shape: unknown): Omit<RecordedVerdict, 'at'> | undefined {
  if (!Array.isArray(shape) || shape.length !== 4) return undefined
  const [status, bodystyle, code, message] = shape as unknown[]
  if ((status !== 0 && status !== 1) || typeof code !== 'string' || typeof message !== 'string')
    return undefined
  if (bodystyle !== '' && bodystyle !== 'full' && bodystyle !== 'half') return undefined
  const verdict: Omit<RecordedVerdict, 'at'> = { status: status === 1 ? 'pass' : 'reject' }
  if (bodystyle !== '') verdict.bodystyle = bodystyle
  if (code !== '') verdict.code = code
  if (message !== '') verdict.message = message
  return verdict
}

/**
 * Reads a record from its JSON, all or nothing: one malformed field, a wrong checksum or another
 * version and nothing of it is used. The problem is said in words for the warning.
 */
export function recordFromJson(value: unknown, key = ''): Parsed<VerdictRecord> {
  const json = asObject(value)
  if (json === undefined) return problem('it is not a JSON object')
  const { checksum, ...body } = json
  const { version } = body
  if (typeof version === 'number' && version > RECORD_FILE_VERSION)
    return problem(
      `it was written by a newer version of the action (record version ${version}; this one reads ${RECORD_FILE_VERSION})`,
    )
  if (version !== RECORD_FILE_VERSION) return problem('it is not a verdict record')
  const unverified = checksumProblem(JSON.stringify(body), checksum, key)
  if (unverified !== undefined) return problem(unverified)
  const { identity, scope, count, newest, verdicts, shas, at, verdict, requestIds } = body
  if (typeof identity !== 'string' || !/^[0-9a-f]{32}$/.test(identity))
    return problem('its detector identity is malformed')
  if (typeof scope !== 'string') return problem('its repository is malformed')
  if (!isCount(count) || !isCount(newest) || !Array.isArray(verdicts))
    return problem('its header is malformed')
  const columns = [shas, at, verdict, requestIds]
  if (!columns.every((column) => Array.isArray(column) && column.length === count))
    return problem('its columns do not hold one value per entry')
  const shapes = (verdicts as unknown[]).map(shapeToVerdict)
  const shaColumn = shas as unknown[]
  const atColumn = at as unknown[]
  const verdictColumn = verdict as unknown[]
  const requestColumn = requestIds as unknown[]
  const entries = new Map<string, RecordedVerdict>()
  let seconds = newest
  for (let i = 0; i < count; i++) {
    const sha = shaColumn[i]
    const age = atColumn[i]
    const index = verdictColumn[i]
    const requestId = requestColumn[i]
    const shape = typeof index === 'number' ? shapes[index] : undefined
    if (!isSha(sha) || !isCount(age) || shape === undefined || typeof requestId !== 'string')
      return problem(`entry ${i + 1} is malformed`)
    if (entries.has(sha)) return problem(`entry ${i + 1} repeats a blob`)
    seconds -= age
    const recorded: RecordedVerdict = { ...shape, at: seconds * 1000 }
    if (requestId !== '') recorded.requestId = requestId
    entries.set(sha, recorded)
  }
  return parsed({ identity, scope, verdicts: entries })
}

export function decodeRecordFile(text: string, key = ''): Parsed<VerdictRecord> {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return problem('it is not valid JSON')
  }
  return recordFromJson(value, key)
}

export interface RecordFileExpectation {
  identity: string
  scope: string
  /** `record-key`: the file must carry this key's HMAC ('' = a plain checksum). */
  key: string
}

/**
 * The record file's verdicts when it is ours: of this detector identity (hashed) and this
 * repository, and signed with the record-key when one is set. Anything else is ignored with a
 * warning that says why; never fatal.
 */
export async function readRecordFile(
  path: string,
  expected: RecordFileExpectation,
  log: Logger,
): Promise<VerdictRecord | undefined> {
  const shown = safeText(path)
  let text: Parsed<string>
  try {
    text = await readRegularFile(path, MAX_RECORD_FILE_BYTES, 'verdict record')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      log.info(`No record file at ${shown} yet: it is written at the end of this run.`)
    } else {
      log.warning(`Ignoring the record file ${shown}: ${safeText(errorMessage(error))}`)
    }
    return undefined
  }
  const decoded = text.ok ? decodeRecordFile(text.value, expected.key) : text
  if (!decoded.ok) {
    log.warning(`Ignoring the record file ${shown}: ${decoded.problem}.`)
    return undefined
  }
  const record = decoded.value
  if (record.scope !== expected.scope) {
    log.warning(
      `Ignoring the record file ${shown}: it belongs to ${safeText(record.scope)}, not ${safeText(expected.scope)}.`,
    )
    return undefined
  }
  if (record.identity !== expected.identity) {
    log.warning(
      `Ignoring the record file ${shown}: its verdicts came from another backend, endpoint or model.`,
    )
    return undefined
  }
  return record
}

export async function writeRecordFile(
  path: string,
  record: VerdictRecord,
  key = '',
): Promise<void> {
  await writeFileAtomic(path, encodeRecordFile(record, key))
}
