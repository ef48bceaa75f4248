import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { describe, expect, it, onTestFinished } from 'vitest'
import { ensureDist, isCi, staleReason } from '../../../scripts/ensure-dist.mjs'

/** A repository layout in a temp dir, each file with the given age in seconds. */
async function layout(files: Record<string, number>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'aa-check-ensure-dist-'))
  onTestFinished(() => rm(root, { recursive: true, force: true }))
  const now = Date.now() / 1000
  for (const [path, age] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true })
    await writeFile(join(root, path), '')
    await utimes(join(root, path), now - age, now - age)
  }
  return root
}

function run(root: string, env: NodeJS.ProcessEnv) {
  const lines: string[] = []
  let builds = 0
  const outcome = ensureDist({ root, env, log: (line) => lines.push(line), build: () => builds++ })
  return { outcome, lines, builds }
}

const inputs = { 'scripts/build.mjs': 500, 'package-lock.json': 500 }

describe('ensure-dist', () => {
  it('leaves a bundle newer than every input alone', async () => {
    const root = await layout({ ...inputs, 'src/a/b.ts': 100, 'dist/index.js': 10 })
    expect(staleReason(root)).toBeUndefined()
    expect(run(root, {})).toEqual({
      outcome: 'fresh',
      lines: ['ensure-dist: dist/ is up to date with src/.'],
      builds: 0,
    })
  })

  it('rebuilds when a source file is newer, naming it in one line', async () => {
    const root = await layout({ ...inputs, 'src/a/b.ts': 5, 'dist/index.js': 10 })
    expect(run(root, {})).toEqual({
      outcome: 'rebuilt',
      lines: [
        'ensure-dist: src/a/b.ts is newer than dist/index.js: rebuilding dist/ (node scripts/build.mjs) before the e2e tests.',
      ],
      builds: 1,
    })
  })

  it('rebuilds after a change to the build script or the lockfile, or without a bundle', async () => {
    const lock = await layout({ ...inputs, 'package-lock.json': 1, 'dist/index.js': 10 })
    expect(staleReason(lock)).toBe('package-lock.json is newer than dist/index.js')
    const none = await layout({ ...inputs, 'src/a.ts': 100 })
    expect(run(none, { CI: 'false' })).toMatchObject({ outcome: 'rebuilt', builds: 1 })
    expect(staleReason(none)).toBe('dist/index.js is missing')
  })

  it('never rebuilds in CI: the committed bundle is what CI tests', async () => {
    const root = await layout({ ...inputs, 'src/a.ts': 1, 'dist/index.js': 10 })
    expect(run(root, { CI: 'true' })).toEqual({
      outcome: 'committed',
      lines: ['ensure-dist: CI is set: testing the committed dist/ bundle, without rebuilding it.'],
      builds: 0,
    })
    expect([isCi({ CI: '1' }), isCi({ CI: 'false' }), isCi({ CI: '' }), isCi({})]).toEqual([
      true,
      false,
      false,
      false,
    ])
  })
})
