import * as core from '@actions/core'
import { parseConfig, type Config } from '../config/config.js'

/** The one place that reads the action's inputs. */
export function getConfig(): Config {
  const config = parseConfig((name) => core.getInput(name), process.env)
  // Any backend's key, whichever backend carries one.
  if ('apiKey' in config.detector) core.setSecret(config.detector.apiKey)
  if (config.githubToken !== '') core.setSecret(config.githubToken)
  if (config.recordKey !== '') core.setSecret(config.recordKey)
  return config
}
