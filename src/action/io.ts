import * as core from '@actions/core'
import type { ActionIo } from '../publish/action-io.js'
import { safeLine, safeLines } from '../core/untrusted.js'

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
