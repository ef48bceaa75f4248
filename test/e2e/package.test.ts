import { execFile } from 'node:child_process'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ROOT } from './harness.js'

const run = promisify(execFile)

describe('the npm package', () => {
  let dir = ''
  let tarball = ''
  const env = () => ({
    PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}`,
    HOME: dir,
    npm_config_cache: join(dir, 'npm-cache'),
  })

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'aa-pack-'))
    await run('npm', ['pack', '--pack-destination', dir], { cwd: ROOT, env: env() })
    tarball = join(dir, (await readdir(dir)).find((name) => name.endsWith('.tgz')) ?? '')
  }, 120_000)
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('holds only what runs, and names its files', async () => {
    const { stdout } = await run('tar', ['-tzf', tarball])
    const files = stdout.trim().split('\n')
    expect(files).toContain('package/dist/cli.js')
    expect(files).toContain('package/dist/index.js')
    expect(files).toContain('package/LICENSE')
    expect(files).toContain('package/action.yml')
    expect(files.filter((f) => /^package\/(src|test|models|scripts)\//.test(f))).toEqual([])
  })

  it('installs offline with no dependencies and runs aa-check', async () => {
    const prefix = join(dir, 'prefix')
    await run(
      'npm',
      ['install', '--offline', '--no-audit', '--no-fund', '--prefix', prefix, tarball],
      {
        env: env(),
      },
    )
    const installed = await readdir(join(prefix, 'node_modules'))
    expect(installed.filter((name) => !name.startsWith('.'))).toEqual(['animate-anyone-check'])
    const bin = join(prefix, 'node_modules/.bin/aa-check')
    const version = await run(bin, ['--version'], { env: env() })
    expect(version.stdout).toMatch(/^aa-check \d+\.\d+\.\d+\n$/)
    const check = await run(
      bin,
      ['check', '--json', join(ROOT, 'test/fixtures/photos/full-body.jpg')],
      {
        env: env(),
      },
    )
    expect(JSON.parse(check.stdout)).toEqual([
      expect.objectContaining({ status: 'pass', bodystyle: 'full' }),
    ])
  })
})
