import { readdir, readFile, stat } from 'node:fs/promises'
import { join, relative, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import PQueue from 'p-queue'
import { createDetector } from './detect/index.js'
import type { Logger } from './detect/dashscope.js'
import type { Detection, DetectionJob } from './detect/types.js'
import { ConfigError, FatalDetectorError, errorMessage } from './errors.js'
import { download, gitBlobSha } from './image-source.js'
import { DEFAULT_INCLUDE, parseConfig, splitPatterns, type Config } from './inputs.js'
import { createPathFilter } from './paths.js'
import { applyBodystyleRule, countResults, toResult, type ImageResult } from './results.js'

const USAGE = `Usage: aa-check check [options] PATH_OR_URL...

Checks person photos with the AnimateAnyone rules. Directories are walked for images
(${DEFAULT_INCLUDE}).

Options:
  --json                          print exactly one JSON array on stdout
  --backend local|dashscope       default: dashscope when a key is given, else local
  --endpoint URL                  DashScope aa-detect endpoint (or an aa-check serve)
  --api-key KEY                   DashScope key (default: $DASHSCOPE_API_KEY)
  --model NAME                    default: animate-anyone-detect-gen2
  --require-bodystyle any|full|half
  --concurrency N                 default: 4
  --timeout SECONDS               default: 30
  -h, --help

Exit status: 0 every image passed, 1 an image was rejected, 2 an error or bad usage.`

class UsageError extends Error {
  override name = 'UsageError'
}

export interface CliIo {
  stdout: (text: string) => void
  stderr: (text: string) => void
  env: NodeJS.ProcessEnv
  /** Whether stderr is a terminal (progress is redrawn in place there). */
  interactive: boolean
}

interface Target {
  /** What the user named, or the file found under a directory they named. */
  label: string
  url: string
  read: () => Promise<Uint8Array>
}

const isUrl = (text: string) => /^https?:\/\//i.test(text)

async function expandTargets(operands: string[], timeoutMs: number): Promise<Target[]> {
  const matches = createPathFilter(splitPatterns(DEFAULT_INCLUDE), [])
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

function configFrom(
  flags: Record<string, string | boolean | undefined>,
  env: NodeJS.ProcessEnv,
): Config {
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

/** `aa-check check …`; returns the exit status. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        json: { type: 'boolean', default: false },
        backend: { type: 'string' },
        endpoint: { type: 'string' },
        'api-key': { type: 'string' },
        model: { type: 'string' },
        'require-bodystyle': { type: 'string' },
        concurrency: { type: 'string' },
        timeout: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    })
    if (values.help) {
      io.stdout(`${USAGE}\n`)
      return 0
    }
    const [command, ...operands] = positionals
    if (command !== 'check')
      throw new UsageError(
        command === undefined ? 'No command given.' : `Unknown command "${command}".`,
      )
    if (operands.length === 0) throw new UsageError('Name at least one image, directory or URL.')

    const config = configFrom(values, io.env)
    const targets = await expandTargets(operands, config.timeoutMs)
    if (targets.length === 0) throw new UsageError(`No images found in ${operands.join(', ')}.`)
    // The hosted service cannot read local files: send their bytes through its temporary storage.
    if (config.backend === 'dashscope' && targets.some((target) => !isUrl(target.url)))
      config.upload = true
    const quiet: Logger = {
      info: () => undefined,
      warning: (m) => io.stderr(`warning: ${m}\n`),
      debug: () => undefined,
    }
    const detector = createDetector(config, quiet)

    let done = 0
    const progress = (label: string) => {
      done++
      if (targets.length < 10) return
      if (io.interactive) io.stderr(`\r[${done}/${targets.length}] ${label.slice(-60).padEnd(60)}`)
      else if (done % Math.ceil(targets.length / 10) === 0 || done === targets.length)
        io.stderr(`[${done}/${targets.length}]\n`)
    }
    // Bytes are read inside the queue, so memory holds only `concurrency` images at a time.
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
          progress(target.label)
          return toResult(
            target.label,
            target.url,
            applyBodystyleRule(detection, config.requireBodystyle),
          )
        }),
      ),
    )
    if (io.interactive && targets.length >= 10) io.stderr('\n')

    const counts = countResults(results)
    if (values.json) {
      io.stdout(`${JSON.stringify(results, null, 2)}\n`)
    } else {
      for (const result of results) io.stdout(`${line(result)}\n`)
      io.stdout(
        `\n${counts.checked} checked: ${counts.passed} passed, ${counts.rejected} rejected, ${counts.errors} errors\n`,
      )
    }
    if (counts.errors > 0) return 2
    return counts.rejected > 0 ? 1 : 0
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
  process.exitCode = await runCli(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    interactive: process.stderr.isTTY,
  })
}
