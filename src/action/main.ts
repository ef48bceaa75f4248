import * as core from '@actions/core'
import { shardDetectorConfig, type Config } from '../config/config.js'
import { ConfigError, errorMessage } from '../core/errors.js'
import { createDetector, describeDetector } from '../detect/factory.js'
import type { Detector } from '../detect/types.js'
import { parseTrigger, readEvent } from '../gather/event.js'
import { createOctokit } from '../github/octokit.js'
import type { Octokit } from '../github/api.js'
import type { ActionIo } from '../publish/action-io.js'
import { publishGallery } from '../publish/gallery.js'
import { publish } from '../publish/publish.js'
import { saveRunFiles } from '../publish/run-files.js'
import { getConfig } from './inputs.js'
import { coreIo } from './io.js'
import { mergeStep } from './merge-step.js'
import { runCheck } from './pipeline.js'

/** Everything `run` takes from the outside world; tests pass fakes, the action the real ones. */
export interface ActionDeps {
  getConfig: () => Config
  env: NodeJS.ProcessEnv
  io: ActionIo
  createOctokit: (token: string, io: ActionIo) => Octokit
  createDetector: (config: Config, io: ActionIo) => { detector: Detector; name: string }
  /** The step's outcome: failed with a message, or a success line. */
  setFailed: (message: string) => void
  now: () => number
}

export function defaultDeps(): ActionDeps {
  return {
    getConfig,
    env: process.env,
    io: coreIo(),
    createOctokit: (token, io) => createOctokit(token, io),
    createDetector: (config, io) => ({
      detector: createDetector(shardDetectorConfig(config.detector, config.shard, io), io),
      name: describeDetector(config.detector),
    }),
    setFailed: (message) => core.setFailed(message),
    now: Date.now,
  }
}

/** The action's entry: builds the clients, runs the check, and is the one place that fails the step. */
export async function run(deps: ActionDeps = defaultDeps()): Promise<void> {
  const { io, env } = deps
  try {
    const config = deps.getConfig()
    if (config.githubToken === '') {
      throw new ConfigError(
        'github-token',
        'is empty: leave it at its default (${{ github.token }}) or pass a token.',
      )
    }
    const event = await readEvent(env)
    const trigger = parseTrigger(event.eventName, event.payload, env)
    if (config.skipDrafts && trigger.kind === 'pull_request' && trigger.pr.draft) {
      io.notice(
        `#${trigger.pr.number} is a draft: not checked (skip-drafts). Its images are checked once it is ready for review.`,
      )
      return
    }
    const octokit = deps.createOctokit(config.githubToken, io)
    const context = { config, trigger, octokit, io, env, now: deps.now }
    const outcome =
      config.mergeResults.length > 0
        ? await mergeStep(context)
        : await runCheck({ ...context, ...detectorOf(deps, config) })
    const gallery = await publishGallery(outcome.report, outcome.readBytes, config, io)
    const target = gallery === undefined ? outcome.target : { ...outcome.target, gallery }
    // The files first: a shard's results reach the merge even when publishing then fails.
    await saveRunFiles(outcome.report, config, io)
    const verdict = await publish(outcome.report, target, { config, octokit, io })
    if (verdict.failed) deps.setFailed(verdict.summary)
    else io.info(verdict.summary)
  } catch (error) {
    deps.setFailed(errorMessage(error))
  }
}

function detectorOf(deps: ActionDeps, config: Config) {
  const { detector, name } = deps.createDetector(config, deps.io)
  return { detector, detectorName: name }
}
