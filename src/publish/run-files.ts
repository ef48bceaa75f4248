import type { Config } from '../config/config.js'
import { writeRecordFile } from '../record/record-file.js'
import { errorMessage } from '../core/errors.js'
import { safeText } from '../core/untrusted.js'
import { repositoryOf, type CheckReport } from '../action/pipeline.js'
import type { ActionIo } from '../action/io.js'
import { toResultsFile, writeResultsFile } from '../report/results-file.js'
import { WHOLE_RUN, describeShard } from '../core/shard.js'

/**
 * Writes `results-file` and `record-file` at the end of a run. A results file that cannot be
 * written fails the step (the merge would miss this shard); a record file only warns (the next
 * run detects again, which costs but never misleads).
 */
export async function saveRunFiles(
  report: CheckReport,
  config: Pick<Config, 'resultsFile' | 'recordFile'>,
  io: ActionIo,
): Promise<void> {
  const repository = repositoryOf(report.head)
  if (config.resultsFile !== undefined) {
    const shard = report.shard ?? WHOLE_RUN
    await writeResultsFile(
      config.resultsFile,
      toResultsFile({
        repository,
        sha: report.head.sha,
        scope: report.shard?.scope ?? report.scope,
        shard: { index: shard.index, count: shard.count },
        detector: report.detectorName,
        results: report.results,
        reused: report.reused,
        stats: report.stats,
        skipped: report.skipped,
        cache: report.cache,
      }),
    )
    io.info(
      `Results of shard ${describeShard(shard)} (${report.counts.checked} image(s)) written to ${safeText(config.resultsFile)}.`,
    )
  }
  if (config.recordFile !== undefined) {
    const record = { ...report.cache.toRecord(), scope: repository }
    try {
      await writeRecordFile(config.recordFile, record)
      io.info(
        `Record file ${safeText(config.recordFile)}: ${record.verdicts.size} verdict(s) written.`,
      )
    } catch (error) {
      io.warning(
        `Could not write the record file ${safeText(config.recordFile)}: ${safeText(errorMessage(error))}`,
      )
    }
  }
}
