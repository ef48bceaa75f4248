import type { CliIo } from '../../src/cli/io.js'
import type { ActionIo, AnnotationProperties } from '../../src/publish/action-io.js'

export type LogLevel = 'debug' | 'info' | 'notice' | 'warning' | 'error'

export interface LogEntry {
  level: LogLevel
  message: string
  properties?: AnnotationProperties
}

/**
 * An ActionIo that records everything the check and the publisher say, in order, instead of
 * writing workflow commands: log lines and annotations (with their properties), the groups
 * opened, the outputs set and the job summary written.
 */
export class RecordingIo implements ActionIo {
  readonly entries: LogEntry[] = []
  readonly groups: string[] = []
  readonly outputs = new Map<string, string>()
  summary = ''

  debug(message: string): void {
    this.entries.push({ level: 'debug', message })
  }
  info(message: string): void {
    this.entries.push({ level: 'info', message })
  }
  notice(message: string): void {
    this.entries.push({ level: 'notice', message })
  }
  warning(message: string, properties?: AnnotationProperties): void {
    this.entries.push({ level: 'warning', message, ...(properties ? { properties } : {}) })
  }
  error(message: string, properties?: AnnotationProperties): void {
    this.entries.push({ level: 'error', message, ...(properties ? { properties } : {}) })
  }
  async group<T>(name: string, run: () => Promise<T>): Promise<T> {
    this.groups.push(name)
    return run()
  }
  setOutput(name: string, value: string | number): void {
    // As @actions/core writes it: every output is a string.
    this.outputs.set(name, String(value))
  }
  writeSummary(markdown: string): Promise<void> {
    this.summary += markdown
    return Promise.resolve()
  }

  /** The messages of one level, in order. */
  messages(level: LogLevel): string[] {
    return this.entries.filter((entry) => entry.level === level).map((entry) => entry.message)
  }

  /** The annotations (warnings and errors) with their properties. */
  annotations(level: 'warning' | 'error'): LogEntry[] {
    return this.entries.filter((entry) => entry.level === level)
  }

  /** Every output as a plain object, for `toMatchObject`. */
  outputObject(): Record<string, string> {
    return Object.fromEntries(this.outputs)
  }
}

/**
 * A CliIo that collects stdout and stderr. `stop()` resolves the stop signal, as SIGTERM would;
 * until then `stopSignal()` waits.
 */
export class RecordingCliIo implements CliIo {
  out = ''
  err = ''
  readonly interactive: boolean
  readonly env: NodeJS.ProcessEnv
  private readonly stopped: Promise<string>
  private resolveStop: (signal: string) => void = () => undefined

  constructor(env: NodeJS.ProcessEnv = {}, interactive = false) {
    this.env = env
    this.interactive = interactive
    this.stopped = new Promise((resolve) => (this.resolveStop = resolve))
  }

  readonly stdout = (text: string): void => {
    this.out += text
  }
  readonly stderr = (text: string): void => {
    this.err += text
  }
  readonly stopSignal = (): Promise<string> => this.stopped
  /** Marks painted text as `<style>text</style>`, so tests see where colour would go. */
  readonly paint = (style: string, text: string): string => `<${style}>${text}</${style}>`

  stop(signal = 'SIGTERM'): void {
    this.resolveStop(signal)
  }
}
