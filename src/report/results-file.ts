import { readFile } from 'node:fs/promises'
import type { Counts, ImageResult } from '../decide/decide.js'
import { countResults } from '../decide/decide.js'
import type { DetectorStats } from '../detect/types.js'
import { recordFromJson, recordToJson, type RecordFileJson } from '../record/record-file.js'
import type { VerdictCache, VerdictRecord } from '../record/comment-record.js'
import { writeFileAtomic } from '../core/atomic-file.js'
import { asNumber, asObject, asString } from '../core/json.js'
import { MAX_SHARDS, inShard, type Shard } from '../core/shard.js'

export const RESULTS_FILE_FORMAT = 'animate-anyone-check/results'
export const RESULTS_FILE_VERSION = 1

/** One run's (or one shard's) results as `results-file` writes them, for `merge-results`. */
export interface ResultsFile {
  format: typeof RESULTS_FILE_FORMAT
  version: typeof RESULTS_FILE_VERSION
  /** `owner/repo`; `local` for `aa-check audit`. */
  repository: string
  /** The commit checked; `local` for `aa-check audit`. */
  sha: string
  /** What the whole run compared (the same sentence in every shard). */
  scope: string
  shard: Shard
  /** `identityHash` of the detector identity. */
  identity: string
  /** The detector as the report names it. */
  detector: string
  counts: Counts
  reused: number
  stats: DetectorStats
  skipped: { path: string; reason: string }[]
  /** The `results` output's items, in path order. */
  results: ImageResult[]
  /** The verdicts of this shard's blobs, for the merged comment's and record file's record. */
  record: RecordFileJson
}

export interface ResultsFileSource {
  repository: string
  sha: string
  scope: string
  shard: Shard
  detector: string
  results: ImageResult[]
  reused: number
  stats: DetectorStats
  skipped: { path: string; reason: string }[]
  cache: VerdictCache
}

export function toResultsFile(source: ResultsFileSource): ResultsFile {
  const record = source.cache.toRecord()
  // Each shard carries only its own blobs' verdicts: the union over the shards is the whole record.
  const own: VerdictRecord = {
    identity: record.identity,
    scope: source.repository,
    verdicts: new Map([...record.verdicts].filter(([sha]) => inShard(sha, source.shard))),
  }
  return {
    format: RESULTS_FILE_FORMAT,
    version: RESULTS_FILE_VERSION,
    repository: source.repository,
    sha: source.sha,
    scope: source.scope,
    shard: source.shard,
    identity: record.identity,
    detector: source.detector,
    counts: countResults(source.results),
    reused: source.reused,
    stats: source.stats,
    skipped: source.skipped,
    results: source.results,
    record: recordToJson(own),
  }
}

export async function writeResultsFile(path: string, file: ResultsFile): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(file)}\n`)
}

/** A results file as read back, with its record decoded. */
export interface ReadResults extends Omit<ResultsFile, 'record'> {
  record: VerdictRecord
}

const nullableString = (value: unknown): value is string | null =>
  value === null || typeof value === 'string'

function toImageResult(value: unknown): ImageResult | undefined {
  const item = asObject(value)
  if (item === undefined) return undefined
  const { path, url, status, bodystyle, code, message, requestId, sha } = item
  if (typeof path !== 'string' || typeof url !== 'string') return undefined
  if (status !== 'pass' && status !== 'reject' && status !== 'error' && status !== 'accepted')
    return undefined
  if (bodystyle !== null && bodystyle !== 'full' && bodystyle !== 'half') return undefined
  if (!nullableString(code) || !nullableString(message) || !nullableString(requestId))
    return undefined
  // Files written before results carried the blob sha have none.
  const blob = sha === undefined ? null : sha
  if (!nullableString(blob)) return undefined
  return { path, url, status, bodystyle, code, message, requestId, sha: blob }
}

/** Reads a results file; throws an Error saying what is wrong with it (the caller names the file). */
export function parseResultsFile(text: string): ReadResults {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw new Error('it is not valid JSON')
  }
  const json = asObject(value)
  if (json?.format !== RESULTS_FILE_FORMAT) throw new Error('it is not a results file')
  if (json.version !== RESULTS_FILE_VERSION) {
    throw new Error(
      `it is of results version ${String(json.version)}; this action reads version ${RESULTS_FILE_VERSION}`,
    )
  }
  const repository = asString(json.repository, true)
  const sha = asString(json.sha, true)
  const scope = asString(json.scope)
  const identity = asString(json.identity, true)
  const detector = asString(json.detector)
  const shard = asObject(json.shard)
  const index = asNumber(shard?.index)
  const count = asNumber(shard?.count)
  const reused = asNumber(json.reused)
  const stats = asObject(json.stats)
  const requests = asNumber(stats?.requests)
  const retries = asNumber(stats?.retries)
  const throttled = asNumber(stats?.throttled)
  if (
    repository === undefined ||
    sha === undefined ||
    scope === undefined ||
    identity === undefined ||
    detector === undefined ||
    reused === undefined ||
    requests === undefined ||
    retries === undefined ||
    throttled === undefined
  )
    throw new Error('its header is incomplete')
  if (
    index === undefined ||
    count === undefined ||
    !Number.isInteger(index) ||
    !Number.isInteger(count) ||
    index < 1 ||
    index > count ||
    count > MAX_SHARDS
  )
    throw new Error('its shard is malformed')
  if (!Array.isArray(json.results) || !Array.isArray(json.skipped))
    throw new Error('its results are missing')
  const results: ImageResult[] = []
  for (const item of json.results as unknown[]) {
    const result = toImageResult(item)
    if (result === undefined) throw new Error(`result ${results.length + 1} is malformed`)
    results.push(result)
  }
  const skipped: { path: string; reason: string }[] = []
  for (const item of json.skipped as unknown[]) {
    const skip = asObject(item)
    const path = asString(skip?.path)
    const reason = asString(skip?.reason)
    if (path === undefined || reason === undefined) throw new Error('a skipped entry is malformed')
    skipped.push({ path, reason })
  }
  const record = recordFromJson(json.record)
  if ('problem' in record) throw new Error(`its verdict record is unusable: ${record.problem}`)
  if (record.record.identity !== identity || record.record.scope !== repository)
    throw new Error('its verdict record is of another detector or repository')
  return {
    format: RESULTS_FILE_FORMAT,
    version: RESULTS_FILE_VERSION,
    repository,
    sha,
    scope,
    shard: { index, count },
    identity,
    detector,
    counts: countResults(results),
    reused,
    stats: { requests, retries, throttled },
    skipped,
    results,
    record: record.record,
  }
}

export async function readResultsFile(path: string): Promise<ReadResults> {
  return parseResultsFile(await readFile(path, 'utf8'))
}
