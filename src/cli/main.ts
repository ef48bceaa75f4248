import { styleText } from 'node:util'
import { ConfigError, DetectorAuthError, FatalDetectorError, errorMessage } from '../core/errors.js'
import { safeLine } from '../core/untrusted.js'
import { audit } from './commands/audit.js'
import { check } from './commands/check.js'
import { UsageError, type CliIo } from './io.js'
import { merge } from './commands/merge.js'
import { serve } from './commands/serve.js'
import { COMMAND_HELP, USAGE } from './usage.js'
import { VERSION } from './version.js'

const COMMANDS: Record<string, (argv: string[], io: CliIo) => Promise<number>> = {
  check,
  audit,
  merge,
  serve,
}

const wantsHelp = (argv: readonly string[]) => argv.includes('--help') || argv.includes('-h')

/** `aa-check <command> …`; returns the exit status. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv
  const run =
    command !== undefined && Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined
  try {
    if (['--version', '-v', '-V', 'version'].includes(command ?? '')) {
      io.stdout(`aa-check ${VERSION}\n`)
      return 0
    }
    if (command === undefined) {
      io.stderr(`aa-check: no command given.\n\n${USAGE}\n`)
      return 2
    }
    if (command === '--help' || command === '-h' || command === 'help') {
      const topic = command === 'help' ? rest[0] : undefined
      io.stdout(`${(topic !== undefined ? COMMAND_HELP[topic] : undefined) ?? USAGE}\n`)
      return 0
    }
    if (run === undefined) throw new UsageError(`Unknown command "${command}".`)
    if (wantsHelp(rest)) {
      io.stdout(`${COMMAND_HELP[command] ?? USAGE}\n`)
      return 0
    }
    return await run(rest, io)
  } catch (error) {
    const usage =
      error instanceof UsageError ||
      // parseArgs throws TypeErrors with ERR_PARSE_ARGS_* codes for unknown or malformed options.
      (error instanceof TypeError && 'code' in error)
    if (usage) {
      const topic =
        error instanceof UsageError ? (error.command ?? (run ? command : undefined)) : command
      const help = topic === undefined ? 'aa-check --help' : `aa-check ${topic} --help`
      io.stderr(`aa-check: ${safeLine(usageMessage(error))} (see '${help}')\n`)
      return 2
    }
    const known = error instanceof ConfigError || error instanceof FatalDetectorError
    const message =
      error instanceof DetectorAuthError
        ? refusedKeyMessage(error)
        : known
          ? error.message
          : errorMessage(error)
    io.stderr(`aa-check: ${safeLine(message)}\n`)
    return 2
  }
}

/** The service refused the key: what it answered, and what to change here (not a secret). */
function refusedKeyMessage(error: DetectorAuthError): string {
  const fix =
    error.status === 401
      ? 'check DASHSCOPE_API_KEY (or --api-key): it must be a valid DashScope API key for --endpoint'
      : 'the key may lack access to this model (--model), or --endpoint is in another region or workspace than the key'
  return `DashScope refused the API key: ${error.answer}. Fix: ${fix}.`
}

/**
 * A usage mistake in one sentence. parseArgs' own words for an unknown option go on to explain
 * `--` in a quote it never closes; the option's name is what helps.
 */
function usageMessage(error: Error): string {
  const unknown = /^Unknown option '(.*?)'/.exec(error.message)
  if (unknown !== null) return `Unknown option ${unknown[1] ?? ''}.`
  return /[.!?]$/.test(error.message) ? error.message : `${error.message}.`
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
    // styleText checks the stream: colour only on a terminal, and NO_COLOR / FORCE_COLOR win.
    paint: (style, text) => styleText(style, text, { stream: process.stdout }),
    stopSignal,
  })
}
