import * as core from '@actions/core'
import { createDetector, describeDetector } from '../detect/factory.js'
import { createOctokit } from '../github/octokit.js'
import { ConfigError, errorMessage } from '../core/errors.js'
import { runCheck } from './pipeline.js'
import { parseTrigger, readEvent } from '../gather/event.js'
import { getConfig } from './inputs.js'
import { coreIo } from './io.js'
import { mergeReport } from '../report/merge.js'
import { publish } from '../publish/publish.js'
import { saveRunFiles } from '../publish/run-files.js'
import { shardDetectorConfig } from '../config/config.js'

/** The action's entry: builds the clients, runs the check, and is the one place that fails the step. */
export async function run(): Promise<void> {
  try {
    const config = getConfig()
    if (config.githubToken === '') {
      throw new ConfigError(
        'github-token',
        'is empty: leave it at its default (${{ github.token }}) or pass a token.',
      )
    }
    const io = coreIo()
    const event = await readEvent(process.env)
    const trigger = parseTrigger(event.eventName, event.payload, process.env)
    if (config.skipDrafts && trigger.kind === 'pull_request' && trigger.pr.draft) {
      io.notice(
        `#${trigger.pr.number} is a draft: not checked (skip-drafts). Its images are checked once it is ready for review.`,
      )
      return
    }
    const octokit = createOctokit(config.githubToken, io)
    const report =
      config.mergeResults.length > 0
        ? await mergeReport({ config, trigger, octokit, io, env: process.env })
        : await runCheck({
            config,
            trigger,
            octokit,
            detector: createDetector(shardDetectorConfig(config.detector, config.shard, io), io),
            detectorName: describeDetector(config.detector),
            io,
            env: process.env,
          })
    await publish(report, { config, octokit, io })
    await saveRunFiles(report, config, io)
    if (report.verdict.failed) core.setFailed(report.verdict.summary)
    else core.info(report.verdict.summary)
  } catch (error) {
    core.setFailed(errorMessage(error))
  }
}
