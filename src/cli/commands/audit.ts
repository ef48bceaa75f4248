import { stat } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import { toResultsFile, writeResultsFile } from '../../report/results-file.js'
import { WHOLE_RUN, describeShard, inShard, parseShard } from '../../core/shard.js'
import { inputReaders } from '../../config/config.js'
import { describeDetector } from '../../detect/factory.js'
import { createPathFilter } from '../../gather/paths.js'
import { VerdictCache } from '../../record/comment-record.js'
import { safeText } from '../../core/untrusted.js'
import { detectTargets } from '../detect.js'
import { emitReport, formatReport, reportFormat } from '../format.js'
import { UsageError, type CliIo } from '../io.js'
import { DETECTION_OPTIONS, cliSettings, flagReader, withFlagNames } from '../options.js'
import { exitStatus, reportSkipped } from '../terminal.js'
import { expandTargets } from '../../gather/local-files.js'

/** What `aa-check audit` results files say instead of a repository and a commit. */
export const LOCAL_RUN = 'local'

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
  const { images: all, skipped } = await expandTargets(
    [dir],
    settings.timeoutMs,
    createPathFilter(settings.include, settings.exclude),
  )
  reportSkipped(skipped, io)
  // By content, as the action shards: a file too large to hash goes by its path.
  const targets = all.filter((target) => inShard(target.sha ?? target.path, shard))
  const wholeScope = `every image under ${dir}`
  const scope =
    shard.count === 1
      ? wholeScope
      : `${wholeScope}, shard ${describeShard(shard)} (${targets.length} of ${all.length} images)`
  let cache: VerdictCache | undefined
  const results = await detectTargets(targets, settings, io, undefined, (identity) => {
    cache = new VerdictCache(identity, LOCAL_RUN)
    return cache
  })
  const detector = describeDetector(settings.detector)
  const resultsFile = values['results-file']
  if (resultsFile !== undefined && cache !== undefined) {
    await writeResultsFile(
      resultsFile,
      toResultsFile({
        repository: LOCAL_RUN,
        sha: LOCAL_RUN,
        scope: wholeScope,
        shard,
        detector,
        results,
        reused: 0,
        stats: { requests: 0, retries: 0, throttled: 0 },
        skipped: [],
        cache,
      }),
    )
    io.stderr(
      `Wrote ${safeText(resultsFile)}: shard ${describeShard(shard)}, ${results.length} image(s).\n`,
    )
  }
  const report = formatReport(results, format, {
    scope,
    detector,
    sha: LOCAL_RUN,
    reused: 0,
    skipped: [],
    policy,
  })
  await emitReport(report, results, values.output, io)
  return exitStatus(results)
}
