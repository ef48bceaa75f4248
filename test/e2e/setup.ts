import { afterEach, beforeEach } from 'vitest'
import { FakeDashScope } from '../fakes/dashscope.js'
import { FakeGitHub } from '../fakes/github.js'
import { runAction, type ActionRun } from './harness.js'

export { openPull, pushToPull } from './harness.js'

export const API_KEY = 'sk-test-0123456789abcdef'

export interface Fakes {
  github: FakeGitHub
  dashscope: FakeDashScope
}

/** Starts a fake GitHub and a fake DashScope around each test of the calling file. */
export function useFakes(): Fakes {
  const fakes = {} as Fakes
  beforeEach(async () => {
    fakes.github = await new FakeGitHub().start()
    fakes.dashscope = await new FakeDashScope().start()
  })
  afterEach(async () => {
    await fakes.github.close()
    await fakes.dashscope.close()
  })
  return fakes
}

/** Runs the action on a pull_request event against the fakes, with the key and endpoint set. */
export function runOnPull(
  fakes: Fakes,
  payload: object,
  inputs: Record<string, string> = {},
  eventName = 'pull_request',
): Promise<ActionRun> {
  return runAction({
    eventName,
    payload,
    repository: 'acme/photos',
    apiUrl: fakes.github.url,
    inputs: { 'api-key': API_KEY, endpoint: fakes.dashscope.endpoint, ...inputs },
  })
}

export function resultsOf(run: ActionRun): Record<string, unknown>[] {
  return JSON.parse(run.outputs.results ?? '[]') as Record<string, unknown>[]
}
