import type { Config } from '../config/config.js'
import { errorMessage } from '../core/errors.js'
import { describeShard } from '../core/shard.js'
import { safeText } from '../core/untrusted.js'
import { writeRecordFile } from '../record/record-file.js'
import { toResultsFile, writeResultsFile } from '../report/results-file.js'
import type { RunReport } from '../report/run-report.js'
import type { ActionIo } from './action-io.js'

/**
 * Writes `results-file` and `record-file` at the end of a run. A results file that cannot be
 * written fails the step (the merge would miss this shard); a record file only warns (the next
 * run detects again, which costs but never misleads).
 */
export async function saveRunFiles(
  report: RunReport,
  config: Pick<Config, 'resultsFile' | 'recordFile' | 'recordKey'>,
  io: ActionIo,
): Promise<void> {
  if (config.resultsFile !== undefined) {
    await writeResultsFile(config.resultsFile, toResultsFile(report))
    io.info(
      `Results of shard ${describeShard(report.shard)} (${report.results.length} image(s)) written to ${safeText(config.resultsFile)}.`,
    )
  }
  if (config.recordFile !== undefined) {
    const record = {
      identity: report.identity,
      scope: report.repository,
      verdicts: report.verdicts,
    }
    try {
      await writeRecordFile(config.recordFile, record, config.recordKey)
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
