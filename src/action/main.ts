import * as core from '@actions/core'
import * as github from '@actions/github'
import { retry } from '@octokit/plugin-retry'
import { runCheck } from './check.js'
import { createDetector, describeDetector } from '../detect/factory.js'
import { ConfigError, errorMessage } from '../shared/errors.js'
import { parseTrigger } from './event.js'
import { getConfig } from './inputs.js'

/** The action's entry: builds the clients, runs the check, and is the one place that fails the step. */
export async function run(): Promise<void> {
  try {
    const config = getConfig()
    if (config.githubToken === '') {
      throw new ConfigError(
        'Input "github-token" is empty: leave it at its default (${{ github.token }}) or pass a token.',
      )
    }
    const trigger = parseTrigger(github.context.eventName, github.context.payload, process.env)
    const detector = createDetector(config, core)
    const octokit = github.getOctokit(config.githubToken, {}, retry)
    const verdict = await runCheck({
      config,
      trigger,
      octokit,
      detector,
      detectorName: describeDetector(config),
    })
    if (verdict.failed) core.setFailed(verdict.summary)
    else core.info(verdict.summary)
  } catch (error) {
    core.setFailed(errorMessage(error))
  }
}
