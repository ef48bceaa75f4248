import { stat, writeFile } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import { inputReaders } from '../config/config.js'
import { describeDetector } from '../detect/factory.js'
import { countResults, decideVerdict } from '../detect/results.js'
import { createPathFilter } from '../github/paths.js'
import { renderReport } from '../report/render.js'
import { detectTargets } from './detect.js'
import { UsageError, type CliIo } from './io.js'
import { DETECTION_OPTIONS, cliSettings, flagReader, withFlagNames } from './options.js'
import { exitStatus, reportSkipped } from './report.js'
import { expandTargets } from './targets.js'

/** `aa-check audit DIR`: every image under DIR, as the report the PR comment shows. */
export async function audit(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ...DETECTION_OPTIONS,
      format: { type: 'string', default: 'markdown' },
      output: { type: 'string' },
    },
  })
  const [dir, ...extra] = positionals
  if (dir === undefined || extra.length > 0)
    throw new UsageError('audit takes exactly one directory.', 'audit')
  if (values.format !== 'markdown' && values.format !== 'json') {
    throw new UsageError(
      `Option --format must be "markdown" or "json"; got "${values.format}".`,
      'audit',
    )
  }
  if (!(await stat(dir).catch(() => undefined))?.isDirectory()) {
    throw new UsageError(`Not a directory: ${dir}`, 'audit')
  }
  const settings = cliSettings(values, io.env, true)
  const policy = withFlagNames(() => {
    const input = inputReaders(flagReader(values))
    return { failOnReject: input.bool('fail-on-reject'), onApiError: input.choice('on-api-error') }
  })
  const { images, skipped } = await expandTargets(
    [dir],
    settings.timeoutMs,
    createPathFilter(settings.include, settings.exclude),
  )
  reportSkipped(skipped, io)
  const results = await detectTargets(images, settings, io)
  const counts = countResults(results)
  const report =
    values.format === 'json'
      ? `${JSON.stringify(results, null, 2)}\n`
      : `${renderReport(
          results,
          {
            counts,
            failed: decideVerdict(counts, policy).failed,
            scope: `every image under ${dir}`,
            detector: describeDetector(settings.detector),
            sha: 'local',
            reused: 0,
            skipped: [],
            fullListHint: 'run with --format json for the full list',
          },
          10_000_000,
        )}\n`
  if (values.output === undefined) io.stdout(report)
  else {
    await writeFile(values.output, report)
    io.stderr(
      `Wrote ${values.output}: ${counts.checked} checked, ${counts.passed} passed, ${counts.rejected} rejected, ${counts.errors} errors.\n`,
    )
  }
  return exitStatus(results)
}
