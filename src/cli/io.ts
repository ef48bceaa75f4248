/** A usage mistake: printed in one line with a pointer to --help, exit status 2. */
export class UsageError extends Error {
  override name = 'UsageError'
}

export interface CliIo {
  stdout: (text: string) => void
  stderr: (text: string) => void
  env: NodeJS.ProcessEnv
  /** Whether stderr is a terminal (progress is redrawn in place there). */
  interactive: boolean
  /** Resolves when the process is asked to stop (SIGTERM, SIGINT); only `serve` listens. */
  stopSignal: () => Promise<string>
}
