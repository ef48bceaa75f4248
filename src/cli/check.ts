import { parseArgs } from 'node:util'
import { splitPatterns } from '../config/config.js'
import { DEFAULT_INCLUDE } from '../config/defaults.js'
import { createPathFilter } from '../github/paths.js'
import { detectTargets } from './detect.js'
import { UsageError, type CliIo } from './io.js'
import { DETECTION_OPTIONS, cliSettings } from './options.js'
import { countsLine, exitStatus, resultLine } from './report.js'
import { expandTargets, isUrl } from './targets.js'

/** `aa-check check PATH_OR_URL...`: one line per image, or one JSON array with --json. */
export async function check(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { ...DETECTION_OPTIONS, json: { type: 'boolean', default: false } },
  })
  if (positionals.length === 0) throw new UsageError('Name at least one image, directory or URL.')
  const needsUpload = positionals.some((operand) => !isUrl(operand))
  const settings = cliSettings(values, io.env, needsUpload)
  const matches = createPathFilter(splitPatterns(DEFAULT_INCLUDE), [])
  const targets = await expandTargets(positionals, settings.timeoutMs, matches)
  if (targets.length === 0) throw new UsageError(`No images found in ${positionals.join(', ')}.`)
  const results = await detectTargets(targets, settings, io)
  if (values.json) {
    io.stdout(`${JSON.stringify(results, null, 2)}\n`)
  } else {
    for (const result of results) io.stdout(`${resultLine(result)}\n`)
    io.stdout(`\n${countsLine(results)}\n`)
  }
  return exitStatus(results)
}
