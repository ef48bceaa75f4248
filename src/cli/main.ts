import { readdir, readFile, stat, writeFile } from 'node:fs/promises'
import { join, relative, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import PQueue from 'p-queue'
import { createDetector, describeDetector } from '../detect/factory.js'
import type { Logger } from '../detect/dashscope/client.js'
import type { Detection, DetectionJob } from '../detect/types.js'
import { ConfigError, FatalDetectorError, errorMessage } from '../shared/errors.js'
import { download, gitBlobSha } from '../github/image-source.js'
import {
  DEFAULT_INCLUDE,
  DEFAULT_MODEL,
  parseConfig,
  splitPatterns,
  type Config,
} from '../action/inputs.js'
import { createPathFilter } from '../github/paths.js'
import { renderReport } from '../report/render.js'
import {
  applyBodystyleRule,
  countResults,
  decideVerdict,
  toResult,
  type ImageResult,
} from '../detect/results.js'
import { SERVE_USAGE, serve } from './serve.js'
import { UsageError, type CliIo } from './io.js'

const USAGE = `Usage:
  aa-check check [options] PATH_OR_URL...
  aa-check audit DIR [--format markdown|json] [--output FILE] [--include GLOBS] [--exclude GLOBS] [options]
  aa-check serve [options]

check   checks photos with the AnimateAnyone rules; directories are walked for images
        (${DEFAULT_INCLUDE}).
audit   checks every image under DIR (include/exclude as in the action) and writes the report the
        PR comment shows, as Markdown or JSON.
serve   answers DashScope's aa-detect API with the embedded detector.

Options of check and audit:
  --json                          (check) print exactly one JSON array on stdout
  --backend local|dashscope       default: dashscope when a key is given, else local
  --endpoint URL                  DashScope aa-detect endpoint (or an aa-check serve)
  --api-key KEY                   DashScope key (default: $DASHSCOPE_API_KEY)
  --model NAME                    default: ${DEFAULT_MODEL}
  --require-bodystyle any|full|half
  --concurrency N                 default: 4
  --timeout SECONDS               default: 30
  -h, --help

${SERVE_USAGE}

Exit status of check and audit: 0 every image passed, 1 an image was rejected, 2 an error or bad usage.`

interface Target {
  /** What the user named, or the file found under a directory they named. */
  label: string
  url: string
  read: () => Promise<Uint8Array>
}

const isUrl = (text: string) => /^https?:\/\//i.test(text)

async function expandTargets(
  operands: string[],
  timeoutMs: number,
  matches: (path: string) => boolean,
): Promise<Target[]> {
  const targets: Target[] = []
  for (const operand of operands) {
    if (isUrl(operand)) {
      targets.push({ label: operand, url: operand, read: () => download(operand, timeoutMs) })
      continue
    }
    const path = resolve(operand)
    const info = await stat(path).catch(() => undefined)
    if (info === undefined) throw new UsageError(`No such file or directory: ${operand}`)
    const files = info.isDirectory()
      ? (await readdir(path, { recursive: true, withFileTypes: true }))
          .filter((entry) => entry.isFile())
          .map((entry) => join(entry.parentPath, entry.name))
          .filter((file) => matches(relative(path, file).split('\\').join('/')))
          .sort()
      : [path]
    for (const file of files) {
      const label = info.isDirectory() ? join(operand, relative(path, file)) : operand
      targets.push({
        label,
        url: pathToFileURL(file).href,
        read: async () => new Uint8Array(await readFile(file)),
      })
    }
  }
  return targets
}

type Flags = Record<string, string | boolean | undefined>

function configFrom(flags: Flags, env: NodeJS.ProcessEnv): Config {
  const read = (name: string): string => {
    const value = flags[name]
    return typeof value === 'string' ? value : ''
  }
  try {
    return parseConfig(read, env)
  } catch (error) {
    throw new UsageError(errorMessage(error).replace(/^Input "([^"]+)"/, 'Option --$1'))
  }
}

function line(result: ImageResult): string {
  const mark = { pass: 'PASS  ', reject: 'REJECT', error: 'ERROR ' }[result.status]
  const detail =
    result.status === 'pass'
      ? `${result.bodystyle ?? ''} body`
      : `${result.code ?? ''}: ${result.message ?? ''}`
  return `${mark} ${result.path}  ${detail}`
}

/** Detects every target through the configured backend, `concurrency` images in memory at once. */
async function detectTargets(targets: Target[], config: Config, io: CliIo): Promise<ImageResult[]> {
  // The hosted service cannot read local files: send their bytes through its temporary storage.
  if (config.backend === 'dashscope' && targets.some((target) => !isUrl(target.url))) {
    config.upload = true
  }
  const quiet: Logger = {
    info: () => undefined,
    warning: (message) => io.stderr(`warning: ${message}\n`),
    debug: () => undefined,
  }
  const detector = createDetector(config, quiet)
  let done = 0
  const showProgress = targets.length >= 10
  const progress = () => {
    done++
    if (!showProgress) return
    if (io.interactive) {
      const filled = Math.round((30 * done) / targets.length)
      io.stderr(`\r[${'#'.repeat(filled)}${'.'.repeat(30 - filled)}] ${done}/${targets.length}`)
    } else if (done % Math.ceil(targets.length / 10) === 0 || done === targets.length) {
      io.stderr(`[${done}/${targets.length}]\n`)
    }
  }
  const queue = new PQueue({ concurrency: config.concurrency })
  const results = await Promise.all(
    targets.map((target) =>
      queue.add(async () => {
        let detection: Detection
        try {
          const bytes = await target.read()
          const job: DetectionJob = {
            path: target.label,
            url: target.url,
            sha: gitBlobSha(bytes),
            readBytes: () => Promise.resolve(bytes),
          }
          detection = await detector.detect(job)
        } catch (error) {
          // Only reading can fail here; a detector that cannot work at all ends the run.
          if (error instanceof FatalDetectorError) throw error
          detection = { status: 'error', code: 'FetchFailed', message: errorMessage(error) }
        }
        progress()
        return toResult(
          target.label,
          target.url,
          applyBodystyleRule(detection, config.requireBodystyle),
        )
      }),
    ),
  )
  if (showProgress && io.interactive) io.stderr('\n')
  return results
}

function exitStatus(results: ImageResult[]): number {
  const counts = countResults(results)
  if (counts.errors > 0) return 2
  return counts.rejected > 0 ? 1 : 0
}

const DETECTION_OPTIONS = {
  backend: { type: 'string' },
  endpoint: { type: 'string' },
  'api-key': { type: 'string' },
  model: { type: 'string' },
  'require-bodystyle': { type: 'string' },
  concurrency: { type: 'string' },
  timeout: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const

async function check(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { ...DETECTION_OPTIONS, json: { type: 'boolean', default: false } },
  })
  if (positionals.length === 0) throw new UsageError('Name at least one image, directory or URL.')
  const config = configFrom(values, io.env)
  const matches = createPathFilter(splitPatterns(DEFAULT_INCLUDE), [])
  const targets = await expandTargets(positionals, config.timeoutMs, matches)
  if (targets.length === 0) throw new UsageError(`No images found in ${positionals.join(', ')}.`)
  const results = await detectTargets(targets, config, io)
  if (values.json) {
    io.stdout(`${JSON.stringify(results, null, 2)}\n`)
  } else {
    const counts = countResults(results)
    for (const result of results) io.stdout(`${line(result)}\n`)
    io.stdout(
      `\n${counts.checked} checked: ${counts.passed} passed, ${counts.rejected} rejected, ${counts.errors} errors\n`,
    )
  }
  return exitStatus(results)
}

async function audit(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ...DETECTION_OPTIONS,
      format: { type: 'string', default: 'markdown' },
      output: { type: 'string' },
      include: { type: 'string' },
      exclude: { type: 'string' },
    },
  })
  const [dir, ...extra] = positionals
  if (dir === undefined || extra.length > 0)
    throw new UsageError('audit takes exactly one directory.')
  if (values.format !== 'markdown' && values.format !== 'json') {
    throw new UsageError(`Option --format must be "markdown" or "json"; got "${values.format}".`)
  }
  if (!(await stat(dir).catch(() => undefined))?.isDirectory()) {
    throw new UsageError(`Not a directory: ${dir}`)
  }
  const config = configFrom(values, io.env)
  const targets = await expandTargets(
    [dir],
    config.timeoutMs,
    createPathFilter(config.include, config.exclude),
  )
  const results = await detectTargets(targets, config, io)
  const counts = countResults(results)
  const report =
    values.format === 'json'
      ? `${JSON.stringify(results, null, 2)}\n`
      : `${renderReport(
          results,
          {
            counts,
            failed: decideVerdict(counts, config).failed,
            scope: `every image under ${dir}`,
            detector: describeDetector(config),
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

/** `aa-check <command> …`; returns the exit status. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv
  try {
    if (
      command === undefined ||
      command === '-h' ||
      command === '--help' ||
      rest.includes('--help') ||
      rest.includes('-h')
    ) {
      if (command === undefined) throw new UsageError('No command given.')
      io.stdout(`${USAGE}\n`)
      return 0
    }
    if (command === 'check') return await check(rest, io)
    if (command === 'audit') return await audit(rest, io)
    if (command === 'serve') return await serve(rest, io)
    throw new UsageError(`Unknown command "${command}".`)
  } catch (error) {
    if (error instanceof UsageError || (error instanceof TypeError && 'code' in error)) {
      io.stderr(`aa-check: ${error.message}\n\n${USAGE}\n`)
      return 2
    }
    const known = error instanceof ConfigError || error instanceof FatalDetectorError
    io.stderr(`aa-check: ${known ? error.message : errorMessage(error)}\n`)
    return 2
  }
}

export async function main(): Promise<void> {
  const stopSignal = () =>
    new Promise<string>((resolveSignal) => {
      for (const signal of ['SIGTERM', 'SIGINT'] as const) {
        process.once(signal, () => resolveSignal(signal))
      }
    })
  process.exitCode = await runCli(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    interactive: process.stderr.isTTY,
    stopSignal,
  })
}
