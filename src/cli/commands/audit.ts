import { stat } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import { toResultsFile, writeResultsFile } from '../../report/results-file.js'
import { WHOLE_RUN, describeShard, inShard, parseShard } from '../../core/shard.js'
import { inputReaders } from '../../config/config.js'
import { createPathFilter } from '../../gather/paths.js'
import { safeText } from '../../core/untrusted.js'
import { checkLocalTargets } from '../detect.js'
import { writeCliGallery } from '../gallery.js'
import { emitReport, formatReport, reportFormat } from '../format.js'
import { UsageError, type CliIo } from '../io.js'
import { DETECTION_OPTIONS, cliSettings, flagReader, withFlagNames } from '../options.js'
import { exitStatus, reportSkipped } from '../terminal.js'
import { findLocalTargets } from '../../gather/local-files.js'

/** `aa-check audit DIR`: every image under DIR, as the report the PR comment shows. */
export async function audit(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ...DETECTION_OPTIONS,
      format: { type: 'string', default: 'markdown' },
      output: { type: 'string' },
      shard: { type: 'string' },
      'results-file': { type: 'string' },
      html: { type: 'string' },
    },
  })
  const [dir, ...extra] = positionals
  if (dir === undefined || extra.length > 0)
    throw new UsageError('audit takes exactly one directory.', 'audit')
  const format = reportFormat(values.format)
  if (!(await stat(dir).catch(() => undefined))?.isDirectory()) {
    throw new UsageError(`Not a directory: ${dir}`, 'audit')
  }
  const settings = cliSettings(values, io.env, true)
  const policy = withFlagNames(() => {
    const input = inputReaders(flagReader(values))
    return { failOnReject: input.bool('fail-on-reject'), onApiError: input.choice('on-api-error') }
  })
  const shard = withFlagNames(() =>
    values.shard === undefined ? WHOLE_RUN : parseShard(values.shard),
  )
  const { targets: all, skipped } = await findLocalTargets(
    [dir],
    createPathFilter(settings.include, settings.exclude),
  )
  reportSkipped(skipped, io, settings.include)
  // By content, as the action shards: a file too large to hash goes by its path.
  const targets = all.filter((target) =>
    inShard(target.kind === 'file' ? (target.sha ?? target.path) : target.path, shard),
  )
  const report = await checkLocalTargets(targets, settings, io, {
    scope: `every image under ${dir}`,
    shard,
    keepEvidence: values.html !== undefined,
  })
  if (values.html !== undefined) {
    await writeCliGallery(values.html, report, targets, settings.timeoutMs, io)
  }
  const resultsFile = values['results-file']
  if (resultsFile !== undefined) {
    await writeResultsFile(resultsFile, toResultsFile(report))
    io.stderr(
      `Wrote ${safeText(resultsFile)}: shard ${describeShard(shard)}, ${report.results.length} image(s).\n`,
    )
  }
  await emitReport(formatReport(report, format, policy), report.results, values.output, io)
  return exitStatus(report.results)
}
