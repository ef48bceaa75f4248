import { join } from 'node:path'
import { describe, expect, it, onTestFinished } from 'vitest'
import { runCli } from '../../../src/cli/main.js'
import { COMMAND_HELP } from '../../../src/cli/usage.js'
import { ROOT } from '../../e2e/harness.js'
import { FakeDashScope, apiError, failCheck, pass } from '../../fakes/dashscope.js'
import { RecordingCliIo } from '../../helpers/io.js'

const PHOTOS = join(ROOT, 'test/fixtures/photos')

async function run(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const io = new RecordingCliIo(env)
  const status = await runCli(argv, io)
  return { status, io }
}

async function fakeDashScope(): Promise<FakeDashScope> {
  const fake = await new FakeDashScope().start()
  onTestFinished(() => fake.close())
  return fake
}

/** Words that only mean something in a workflow file. */
const ACTION_WORDS =
  /secrets\.|api-key secret|\binput\b|\(require-bodystyle\)|base-url|repository requires/

describe('the CLI speaks in flags and files', () => {
  it('asks for DASHSCOPE_API_KEY, not a workflow secret, when the key is missing', async () => {
    const { status, io } = await run(['check', '--backend', 'dashscope', 'a.jpg'])
    expect(status).toBe(2)
    expect(io.err).toMatch(
      /^aa-check: Option --api-key is required with --backend dashscope: set the DASHSCOPE_API_KEY environment variable/,
    )
    expect(io.err).not.toMatch(ACTION_WORDS)
  })

  it('says which variable or flag to check when DashScope refuses the key', async () => {
    const fake = await fakeDashScope()
    fake.script = () => apiError(401, 'InvalidApiKey', 'Invalid API-key provided.')
    const args = ['check', '--backend', 'dashscope', '--endpoint', fake.endpoint]
    const { status, io } = await run([...args, 'http://127.0.0.1:9/a.jpg'], {
      DASHSCOPE_API_KEY: 'k',
    })
    expect(status).toBe(2)
    expect(io.err).toMatch(
      /^aa-check: DashScope refused the API key: HTTP 401 InvalidApiKey: Invalid API-key provided\. \(request_id req-\d+\)\. Fix: check DASHSCOPE_API_KEY \(or --api-key\): it must be a valid DashScope API key for --endpoint\.\n$/,
    )
  })

  it('names --require-bodystyle in a body-style rejection', async () => {
    const fake = await fakeDashScope()
    fake.verdicts = [{ match: /./, reply: () => pass('half') }]
    const { status, io } = await run(
      [
        'check',
        '--endpoint',
        fake.endpoint,
        '--require-bodystyle',
        'full',
        join(PHOTOS, 'half-body.jpg'),
      ],
      { DASHSCOPE_API_KEY: 'k' },
    )
    expect(status).toBe(1)
    expect(io.out).toContain(
      'BodyStyleMismatch: The photo is half body; --require-bodystyle full asks for full body.',
    )
    expect(io.out).not.toMatch(ACTION_WORDS)
  })

  it("writes audit's Markdown with --accept and --require-bodystyle, not the action's inputs", async () => {
    const fake = await fakeDashScope()
    fake.verdicts = [{ match: /./, reply: () => pass('half') }]
    const { status, io } = await run(
      [
        'audit',
        PHOTOS,
        '--include',
        '**/half-body.jpg',
        '--endpoint',
        fake.endpoint,
        '--require-bodystyle',
        'full',
      ],
      { DASHSCOPE_API_KEY: 'k' },
    )
    expect(status).toBe(1)
    expect(io.out).toContain('Pass its blob SHA to `--accept`')
    expect(io.out).toContain('--require-bodystyle asks for')
    expect(io.out).not.toMatch(ACTION_WORDS)
  })

  it('keeps failCheck-style rejections free of action words', async () => {
    const fake = await fakeDashScope()
    fake.verdicts = [{ match: /./, reply: () => failCheck('The person is sitting') }]
    const { io } = await run(
      ['audit', PHOTOS, '--include', '**/sitting.jpg', '--endpoint', fake.endpoint],
      { DASHSCOPE_API_KEY: 'k' },
    )
    expect(io.out).toContain('InvalidFile.BodyPose')
    expect(io.out).not.toMatch(ACTION_WORDS)
  })

  it('check --help says local files go to DashScope only with a key', () => {
    const help = COMMAND_HELP.check ?? ''
    expect(help).not.toMatch(/^Local files go to DashScope/m)
    expect(help).toContain('with the embedded detector unless a DashScope key is')
  })
})
