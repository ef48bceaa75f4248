/**
 * The one logger shape every module takes: the action passes `@actions/core`, the CLI a writer of
 * its own, tests a recorder. Modules never import `@actions/core` for logging.
 */
export interface Logger {
  debug(message: string): void
  info(message: string): void
  notice(message: string): void
  warning(message: string): void
}

/** A logger that drops everything: for callers that want no log at all. */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  notice: () => undefined,
  warning: () => undefined,
}
