import * as core from '@actions/core'
import type { Logger } from '../core/log.js'
import { safeLine, safeLines } from '../core/untrusted.js'

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

/**
 * The runner's io. Every message passes `safeLine` here, whatever its call site did: a file name or
 * a service's text can never start a line of the log, so it can never become a workflow command.
 */
export function coreIo(): ActionIo {
  return {
    debug: (message) => core.debug(safeLine(message)),
    info: (message) => core.info(safeLine(message)),
    notice: (message) => core.notice(safeLine(message)),
    warning: (message, properties) => core.warning(safeLine(message), properties),
    error: (message, properties) => core.error(safeLine(message), properties),
    group: (name, run) => core.group(safeLine(name), run),
    setOutput: (name, value) => core.setOutput(name, value),
    writeSummary: async (markdown) => {
      if (!process.env.GITHUB_STEP_SUMMARY) {
        core.info(safeLines(markdown))
        return
      }
      await core.summary.addRaw(markdown, true).write()
    },
  }
}
