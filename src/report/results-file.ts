import { writeFileAtomic } from '../core/atomic-file.js'
import { asNumber, asObject, asString } from '../core/json.js'
import { readRegularFile } from '../core/regular-file.js'
import { parsed, problem, type Parsed } from '../core/result.js'
import { MAX_SHARDS, inShard, type Shard } from '../core/shard.js'
import type { SkippedPath } from '../core/types.js'
import { countResults, withoutEvidence, type Counts, type ImageResult } from '../decide/decide.js'
import type { DetectorStats } from '../detect/types.js'
import { recordFromJson, recordToJson, type RecordFileJson } from '../record/record-file.js'
import type { RecordedVerdict, VerdictRecord } from '../record/verdicts.js'
import type { RunReport } from './run-report.js'

export const RESULTS_FILE_FORMAT = 'animate-anyone-check/results'
export const RESULTS_FILE_VERSION = 1

/** One run's (or one shard's) report as `results-file` writes it, for `merge-results`. */
export interface ResultsFile {
  format: typeof RESULTS_FILE_FORMAT
  version: typeof RESULTS_FILE_VERSION
  repository: string
  sha: string
  scope: string
  shard: Shard
  identity: string
  detector: string
  /** For readers of the file; recounted from `results` when read back. */
  counts: Counts
  reused: number
  stats: DetectorStats
  skipped: SkippedPath[]
  /** The `results` output's items, in path order. */
  results: ImageResult[]
  /** The verdicts of this shard's blobs, for the merged comment's and record file's record. */
  record: RecordFileJson
}

export function toResultsFile(report: RunReport): ResultsFile {
  // Each shard carries only its own blobs' verdicts: the union over the shards is the whole record.
  const own: VerdictRecord = {
    identity: report.identity,
    scope: report.repository,
    verdicts: new Map([...report.verdicts].filter(([sha]) => inShard(sha, report.shard))),
  }
  return {
    format: RESULTS_FILE_FORMAT,
    version: RESULTS_FILE_VERSION,
    repository: report.repository,
    sha: report.sha,
    scope: report.scope,
    shard: report.shard,
    identity: report.identity,
    detector: report.detector,
    counts: countResults(report.results),
    reused: report.reused,
    stats: report.stats,
    skipped: report.skipped,
    results: report.results.map(withoutEvidence),
    record: recordToJson(own),
  }
}

export async function writeResultsFile(path: string, file: ResultsFile): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(file)}\n`)
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

/** Reads a results file as the report it holds, or says what is wrong with it (the caller names the file). */
export function parseResultsFile(text: string): Parsed<RunReport> {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return problem('it is not valid JSON')
  }
  const json = asObject(value)
  if (json?.format !== RESULTS_FILE_FORMAT) return problem('it is not a results file')
  if (json.version !== RESULTS_FILE_VERSION) {
    return problem(
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
    return problem('its header is incomplete')
  if (
    index === undefined ||
    count === undefined ||
    !Number.isInteger(index) ||
    !Number.isInteger(count) ||
    index < 1 ||
    index > count ||
    count > MAX_SHARDS
  )
    return problem('its shard is malformed')
  if (!Array.isArray(json.results) || !Array.isArray(json.skipped))
    return problem('its results are missing')
  const results: ImageResult[] = []
  for (const item of json.results as unknown[]) {
    const result = toImageResult(item)
    if (result === undefined) return problem(`result ${results.length + 1} is malformed`)
    results.push(result)
  }
  const skipped: SkippedPath[] = []
  for (const item of json.skipped as unknown[]) {
    const skip = asObject(item)
    const path = asString(skip?.path)
    const reason = asString(skip?.reason)
    if (path === undefined || reason === undefined) return problem('a skipped entry is malformed')
    skipped.push({ path, reason })
  }
  const record = recordFromJson(json.record)
  if (!record.ok) return problem(`its verdict record is unusable: ${record.problem}`)
  if (record.value.identity !== identity || record.value.scope !== repository)
    return problem('its verdict record is of another detector or repository')
  return parsed({
    repository,
    sha,
    scope,
    shard: { index, count },
    identity,
    detector,
    results,
    skipped,
    reused,
    stats: { requests, retries, throttled },
    verdicts: ownVerdicts(record.value.verdicts, { index, count }, results),
  })
}

/**
 * The verdicts a shard's file may carry: only its own blobs' (as `toResultsFile` writes them), and
 * none that contradicts the file's own result for the same blob. The rest could only be planted.
 */
function ownVerdicts(
  verdicts: ReadonlyMap<string, RecordedVerdict>,
  shard: Shard,
  results: readonly ImageResult[],
): Map<string, RecordedVerdict> {
  const statusBySha = new Map<string, string>()
  for (const result of results) {
    if (result.sha === null) continue
    // An accepted image was rejected: its verdict is a rejection.
    statusBySha.set(result.sha, result.status === 'accepted' ? 'reject' : result.status)
  }
  return new Map(
    [...verdicts].filter(([sha, verdict]) => {
      const shown = statusBySha.get(sha)
      return inShard(sha, shard) && (shown === undefined || shown === verdict.status)
    }),
  )
}

/** Results files are written by the action or the CLI; a far larger file is not one of them. */
const MAX_RESULTS_FILE_BYTES = 256 * 1024 * 1024

export async function readResultsFile(path: string): Promise<Parsed<RunReport>> {
  const text = await readRegularFile(path, MAX_RESULTS_FILE_BYTES, 'results file')
  return text.ok ? parseResultsFile(text.value) : text
}
