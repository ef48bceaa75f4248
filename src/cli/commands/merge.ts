import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { mergeResultsFiles } from '../../report/merge.js'
import { inputReaders } from '../../config/config.js'
import { emitReport, formatReport, reportFormat } from '../format.js'
import { UsageError, type CliIo } from '../io.js'
import { flagReader, withFlagNames } from '../options.js'
import { exitStatus } from '../terminal.js'

/** Thrown when the files cannot be merged: exit status 2 with the reason. */
export class MergeError extends Error {
  override name = 'MergeError'
}

/**
 * `aa-check merge FILES...`: the results files of the shards of one run (the action's
 * `results-file` or `audit --results-file`) as one report, exactly as one unsharded run makes it.
 */
export async function merge(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      format: { type: 'string', default: 'markdown' },
      output: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  })
  if (positionals.length === 0) throw new UsageError('Name the results files to merge.', 'merge')
  const format = reportFormat(values.format)
  const policy = withFlagNames(() => {
    const input = inputReaders(flagReader({}))
    return { failOnReject: input.bool('fail-on-reject'), onApiError: input.choice('on-api-error') }
  })
  const cwd = process.cwd()
  const merged = await mergeResultsFiles(
    positionals.map((path) => resolve(cwd, path)),
    cwd,
  )
  if (!merged.ok) throw new MergeError(`Cannot merge: ${merged.problem}.`)
  const { report } = merged.value
  await emitReport(formatReport(report, format, policy), report.results, values.output, io)
  return exitStatus(report.results)
}
