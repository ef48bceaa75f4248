import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it, onTestFinished } from 'vitest'
import { runCli } from '../../../src/cli/main.js'
import { COMMAND_HELP, USAGE } from '../../../src/cli/usage.js'
import { ROOT } from '../../e2e/harness.js'
import { FakeDashScope, apiError, failCheck, pass } from '../../fakes/dashscope.js'
import { listen } from '../../fakes/http.js'
import { RecordingCliIo } from '../../helpers/io.js'
import { gitBlobSha } from '../../../src/core/blob-sha.js'

const PHOTOS = join(ROOT, 'test/fixtures/photos')

async function run(argv: string[]): Promise<{ status: number; io: RecordingCliIo }> {
  const io = new RecordingCliIo()
  const status = await runCli(argv, io)
  return { status, io }
}

async function fakeDashScope(): Promise<FakeDashScope> {
  const fake = await new FakeDashScope().start()
  onTestFinished(() => fake.close())
  return fake
}

/** The fixture photos over HTTP on 127.0.0.1. */
async function photoServer(): Promise<string> {
  const server = await listen(async (req, res) => {
    const name = (req.url ?? '').replace(/^\/photos\//, '')
    const bytes = await readFile(join(PHOTOS, name)).catch(() => undefined)
    res.writeHead(bytes === undefined ? 404 : 200, { 'content-type': 'image/jpeg' })
    res.end(bytes)
  })
  onTestFinished(server.close)
  return `${server.url}/photos`
}

const dashscope = (fake: FakeDashScope) => [
  '--backend',
  'dashscope',
  '--endpoint',
  fake.endpoint,
  '--api-key',
  'k',
]

describe('aa-check usage', () => {
  it('prints the usage with --help and exits 0', async () => {
    const { status, io } = await run(['--help'])
    expect(status).toBe(0)
    expect(io.out).toBe(`${USAGE}\n`)
    expect(io.err).toBe('')
  })

  it("prints a command's own help with every option", async () => {
    const { status, io } = await run(['check', '--help'])
    expect(status).toBe(0)
    expect(io.out).toBe(`${COMMAND_HELP.check ?? ''}\n`)
    for (const option of ['--json', '--backend', '--include', '--exclude', '--timeout']) {
      expect(io.out).toContain(option)
    }
  })

  it('exits 2 without a command', async () => {
    const { status, io } = await run([])
    expect(status).toBe(2)
    expect(io.err).toBe(`aa-check: no command given.\n\n${USAGE}\n`)
  })

  it('exits 2 on an unknown command, naming it', async () => {
    const { status, io } = await run(['frobnicate'])
    expect(status).toBe(2)
    expect(io.err).toBe(`aa-check: Unknown command "frobnicate". (see 'aa-check --help')\n`)
  })

  it('names the flag, not the input, when a value is out of range', async () => {
    const { status, io } = await run(['check', '--concurrency', '0', 'a.jpg'])
    expect(status).toBe(2)
    expect(io.err).toBe(
      `aa-check: Option --concurrency must be an integer from 1 to 64; got "0". (see 'aa-check check --help')\n`,
    )
    expect(io.out).toBe('')
  })

  it('exits 2 on an unknown option, in one sentence with every quote closed', async () => {
    const { status, io } = await run(['check', '--bogus', 'a.jpg'])
    expect(status).toBe(2)
    expect(io.err).toBe(`aa-check: Unknown option --bogus. (see 'aa-check check --help')\n`)
  })

  it.each(['-v', '--version', '-V', 'version'])('prints the version with %s', async (flag) => {
    const { status, io } = await run([flag])
    expect(status).toBe(0)
    expect(io.out).toMatch(/^aa-check \d+\.\d+\.\d+/)
  })

  it('exits 2 when there is nothing to check', async () => {
    expect((await run(['check'])).io.err).toMatch(
      /^aa-check: Name at least one image, directory or URL\./,
    )
    const missing = await run(['check', '--backend', 'local', join(PHOTOS, 'nope.jpg')])
    expect(missing.status).toBe(2)
    expect(missing.io.err).toMatch(/^aa-check: No such file or directory: .*nope\.jpg/)
    const notADirectory = await run(['audit', join(PHOTOS, 'sitting.jpg')])
    expect(notADirectory.io.err).toMatch(/^aa-check: Not a directory: /)
  })
})

describe('aa-check check against a fake DashScope', () => {
  it('prints exactly one JSON array with --json and exits 1 on a rejection', async () => {
    const fake = await fakeDashScope()
    const photos = await photoServer()
    fake.verdicts = [
      { match: /full-body\.jpg$/, reply: () => pass('full') },
      { match: /sitting\.jpg$/, reply: () => failCheck('The person is sitting') },
    ]
    const full = `${photos}/full-body.jpg`
    const sitting = `${photos}/sitting.jpg`
    const { status, io } = await run(['check', '--json', ...dashscope(fake), full, sitting])
    expect(status).toBe(1)
    expect(JSON.parse(io.out)).toEqual([
      {
        path: full,
        url: full,
        status: 'pass',
        bodystyle: 'full',
        code: null,
        message: null,
        requestId: expect.stringMatching(/^req-/) as unknown,
        sha: null,
      },
      expect.objectContaining({
        path: sitting,
        status: 'reject',
        code: 'InvalidFile.BodyPose',
        message: 'The person is sitting',
      }),
    ])
    expect(fake.calls.map((call) => call.imageUrl)).toEqual([full, sitting])
    expect(fake.calls[0]?.authorization).toBe('Bearer k')
    expect(fake.policyCalls).toHaveLength(0)
  })

  it('prints results in the order named, whatever order they finish in, then a recap', async () => {
    const fake = await fakeDashScope()
    const photos = await photoServer()
    fake.verdicts = [
      { match: /full-body\.jpg$/, reply: () => ({ ...pass('full'), delayMs: 300 }) },
      { match: /sitting\.jpg$/, reply: () => failCheck('The person is sitting') },
      { match: /half-body\.jpg$/, reply: () => ({ ...pass('half'), delayMs: 100 }) },
    ]
    const names = ['full-body.jpg', 'sitting.jpg', 'half-body.jpg'].map((n) => `${photos}/${n}`)
    const { status, io } = await run(['check', ...dashscope(fake), ...names])
    expect(status).toBe(1)
    const printed = io.out
      .split('\n')
      .filter((line) => /PASS|REJECT/.test(line))
      .map((line) => /(http\S+)/.exec(line)?.[1])
    expect(printed).toEqual(names)
    expect(io.out).toMatch(
      /\n\n<bold>Rejected \(1\):<\/bold>\n {2}\S+\/sitting\.jpg {2}InvalidFile\.BodyPose\n\n<bold>3 checked: 2 passed, 1 rejected, 0 errors<\/bold>\n$/,
    )
  })

  it('clears a finished progress bar from the terminal', async () => {
    const fake = await fakeDashScope()
    const photos = await photoServer()
    fake.verdicts = [{ match: /./, reply: () => pass('full') }]
    const io = new RecordingCliIo({}, true)
    const urls = Array.from({ length: 10 }, (_, i) => `${photos}/full-body.jpg?${i}`)
    expect(await runCli(['check', ...dashscope(fake), ...urls], io)).toBe(0)
    expect(io.err).toContain('[##############################] 10/10')
    // The last thing on stderr blanks the bar's line and returns to its start.
    expect(io.err).toMatch(/\r {38,}\r$/)
  })

  it('uploads local files (and URLs beside them) through temporary storage', async () => {
    const fake = await fakeDashScope()
    const photos = await photoServer()
    const half = join(PHOTOS, 'half-body.jpg')
    const halfBytes = await readFile(half)
    const fullBytes = await readFile(join(PHOTOS, 'full-body.jpg'))
    fake.verdicts = [
      { match: new RegExp(`${gitBlobSha(halfBytes)}\\.jpg$`), reply: () => pass('half') },
      { match: /^oss:\/\//, reply: () => pass('full') },
    ]
    const { status, io } = await run(['check', ...dashscope(fake), half, `${photos}/full-body.jpg`])
    expect(io.err).toBe('')
    expect(status).toBe(0)
    expect(io.out).toContain(`<green>PASS  </green> ${half}  half body`)
    expect(io.out).toContain(`<green>PASS  </green> ${photos}/full-body.jpg  full body`)
    expect(io.out).toContain('2 checked: 2 passed, 0 rejected, 0 errors')
    expect(fake.policyCalls).toHaveLength(1)
    // The URL's bytes came from the photo server and went to storage like the file's.
    const uploaded = [...fake.uploads.values()]
    expect(uploaded).toHaveLength(2)
    expect(uploaded).toContainEqual(halfBytes)
    expect(uploaded).toContainEqual(fullBytes)
    expect(
      fake.uploads.get(`dashscope-instant/abc/2026-11-25/xyz/${gitBlobSha(halfBytes)}.jpg`),
    ).toEqual(halfBytes)
    for (const call of fake.calls) {
      expect(call.imageUrl).toMatch(/^oss:\/\//)
      expect(call.headers['x-dashscope-ossresourceresolve']).toBe('enable')
    }
  })

  // Known gap: a URL target has no blob sha, so every uploaded URL gets the key `<dir>/.jpg` and
  // a second one overwrites (or, with x-oss-forbid-overwrite, fails) the first. Flip once fixed.
  it('gives every uploaded URL a storage key of its own', async () => {
    const fake = await fakeDashScope()
    const photos = await photoServer()
    fake.verdicts = [{ match: /^oss:\/\//, reply: () => pass('full') }]
    await run([
      'check',
      ...dashscope(fake),
      join(PHOTOS, 'half-body.jpg'),
      `${photos}/full-body.jpg`,
      `${photos}/sitting.jpg`,
    ])
    expect(fake.uploads.size).toBe(3)
  })

  it('exits 2 with one clear message when the key is refused', async () => {
    const fake = await fakeDashScope()
    fake.script = () => apiError(401, 'InvalidApiKey', 'Invalid API-key provided.')
    const { status, io } = await run(['check', ...dashscope(fake), 'http://127.0.0.1:9/a.jpg'])
    expect(status).toBe(2)
    expect(io.err).toMatch(
      /^aa-check: DashScope refused the API key: HTTP 401 InvalidApiKey: Invalid API-key provided\./,
    )
    expect(fake.calls).toHaveLength(1)
  })

  it('audits a directory as JSON, walking it for images', async () => {
    const fake = await fakeDashScope()
    fake.verdicts = [{ match: /^oss:\/\//, reply: () => pass('full') }]
    const { status, io } = await run([
      'audit',
      PHOTOS,
      '--format',
      'json',
      '--include',
      '**/*.webp',
      ...dashscope(fake),
    ])
    expect(status).toBe(0)
    const results = JSON.parse(io.out) as { path: string; status: string }[]
    expect(results.map((r) => [r.path, r.status])).toEqual([
      [join(PHOTOS, 'standing.webp'), 'pass'],
    ])
  })
})
