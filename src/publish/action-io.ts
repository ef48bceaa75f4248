import type { Logger } from '../core/log.js'

/** Where an annotation points: GitHub shows it on the file in the PR's diff. */
export interface AnnotationProperties {
  title?: string
  file?: string
}

/**
 * Everything the check and the publisher say to the runner. The action passes `coreIo()`; tests
 * pass a recorder, so nothing below main imports `@actions/core`.
 */
export interface ActionIo extends Logger {
  warning(message: string, properties?: AnnotationProperties): void
  error(message: string, properties?: AnnotationProperties): void
  group<T>(name: string, run: () => Promise<T>): Promise<T>
  setOutput(name: string, value: string | number): void
  /** Appends Markdown to the job summary (logs it where there is no summary file). */
  writeSummary(markdown: string): Promise<void>
}
