import { WHOLE_RUN, describeShard, type Shard } from '../core/shard.js'
import type { SkippedPath } from '../core/types.js'
import type { ImageResult } from '../decide/decide.js'
import type { DetectorStats } from '../detect/types.js'
import type { RecordedVerdict } from '../record/verdicts.js'

/**
 * One run's report: what the check produces, publish renders, the results file serialises and the
 * merge combines. Counts and the pass/fail verdict are derived from it, never stored beside it.
 */
export interface RunReport {
  /** `owner/repo`; `local` for the CLI. */
  repository: string
  /** The commit checked; `local` for the CLI. */
  sha: string
  /** What the whole run compared (the same sentence in every shard). */
  scope: string
  /** The part of the run these results are; WHOLE_RUN when the run was not split. */
  shard: Shard
  /** The detector as the report names it. */
  detector: string
  /** `identityHash` of the detector identity: which recorded verdicts belong to it. */
  identity: string
  /** In path order. */
  results: ImageResult[]
  skipped: SkippedPath[]
  /** Images whose verdict was reused from a record (no detection call). */
  reused: number
  stats: DetectorStats
  /** Verdicts by blob sha, reused and new: the record written back for the next run. */
  verdicts: Map<string, RecordedVerdict>
}

/** The run is of files on disk (`aa-check`), not of a repository's commit. */
export const LOCAL_RUN = 'local'

/** What the report says it compared: the shard named when the run checked one. */
export function describeScope(report: Pick<RunReport, 'scope' | 'shard' | 'results'>): string {
  if (report.shard.count === WHOLE_RUN.count) return report.scope
  const images = report.results.length
  return `${report.scope}, shard ${describeShard(report.shard)} (${images} image${images === 1 ? '' : 's'})`
}
