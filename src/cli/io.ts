/** A usage mistake: printed in one line with a pointer to --help, exit status 2. */
export class UsageError extends Error {
  override name = 'UsageError'
  constructor(
    message: string,
    /** The command whose --help explains the mistake, if any. */
    readonly command?: string,
  ) {
    super(message)
  }
}

export type Paint = 'red' | 'green' | 'yellow' | 'dim' | 'bold'

export interface CliIo {
  stdout: (text: string) => void
  stderr: (text: string) => void
  env: NodeJS.ProcessEnv
  /** Whether stderr is a terminal (progress is redrawn in place there). */
  interactive: boolean
  /** Colours text bound for stdout, only where it is a terminal that wants colour. */
  paint: (style: Paint, text: string) => string
  /** Resolves when the process is asked to stop (SIGTERM, SIGINT); only `serve` listens. */
  stopSignal: () => Promise<string>
}
