import { terminalJson } from '../../core/untrusted.js'
import { parseArgs } from 'node:util'
import { createPathFilter } from '../../gather/paths.js'
import { checkLocalTargets } from '../detect.js'
import { writeCliGallery } from '../gallery.js'
import { UsageError, type CliIo } from '../io.js'
import { DETECTION_OPTIONS, cliSettings } from '../options.js'
import { withoutEvidence, type ImageResult } from '../../decide/decide.js'
import {
  countsLine,
  evidenceLines,
  exitStatus,
  recapLines,
  reportSkipped,
  resultLine,
} from '../terminal.js'
import { findLocalTargets, isUrl } from '../../gather/local-files.js'

/**
 * `aa-check check PATH_OR_URL...`: a line per image in the order named (each as soon as those
 * before it are done), a recap of the rejected and failed ones, or one JSON array (--json).
 */
export async function check(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ...DETECTION_OPTIONS,
      json: { type: 'boolean', default: false },
      explain: { type: 'boolean', default: false },
      html: { type: 'string' },
    },
  })
  if (positionals.length === 0) {
    throw new UsageError('Name at least one image, directory or URL.', 'check')
  }
  const needsUpload = positionals.some((operand) => !isUrl(operand))
  const settings = cliSettings(values, io.env, needsUpload)
  const { targets, skipped } = await findLocalTargets(
    positionals,
    createPathFilter(settings.include, settings.exclude),
  )
  reportSkipped(skipped, io, settings.include)
  if (targets.length === 0) {
    throw new UsageError(`No images found in ${positionals.join(', ')}.`, 'check')
  }
  const stream = values.json
    ? undefined
    : (result: ImageResult) => {
        const lines = [resultLine(result, io.paint)]
        if (values.explain) lines.push(...evidenceLines(result).map((l) => io.paint('dim', l)))
        io.stdout(`${lines.join('\n')}\n`)
      }
  const report = await checkLocalTargets(targets, settings, io, {
    scope: positionals.join(', '),
    ...(stream === undefined ? {} : { onResult: stream }),
    keepEvidence: values.explain || values.html !== undefined,
  })
  const { results } = report
  if (values.html !== undefined) {
    await writeCliGallery(values.html, report, targets, settings.timeoutMs, io)
  }
  const shown = values.explain ? results : results.map(withoutEvidence)
  if (values.json) io.stdout(`${terminalJson(shown, 2)}\n`)
  else {
    const recap = results.length > 1 ? recapLines(results, io.paint) : []
    const lines = [
      ...(recap.length > 0 ? ['', ...recap] : []),
      '',
      io.paint('bold', countsLine(results)),
    ]
    io.stdout(`${lines.join('\n')}\n`)
  }
  return exitStatus(results)
}
