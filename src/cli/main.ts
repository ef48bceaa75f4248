import { ConfigError, FatalDetectorError, errorMessage } from '../shared/errors.js'
import { safeLine } from '../shared/untrusted.js'
import { audit } from './audit.js'
import { check } from './check.js'
import { UsageError, type CliIo } from './io.js'
import { merge } from './merge.js'
import { serve } from './serve.js'
import { USAGE } from './usage.js'

const COMMANDS: Record<string, (argv: string[], io: CliIo) => Promise<number>> = {
  check,
  audit,
  merge,
  serve,
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
    const run = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined
    if (run === undefined) throw new UsageError(`Unknown command "${command}".`)
    return await run(rest, io)
  } catch (error) {
    if (error instanceof UsageError || (error instanceof TypeError && 'code' in error)) {
      io.stderr(`aa-check: ${safeLine(error.message)}\n\n${USAGE}\n`)
      return 2
    }
    const known = error instanceof ConfigError || error instanceof FatalDetectorError
    io.stderr(`aa-check: ${safeLine(known ? error.message : errorMessage(error))}\n`)
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
