import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { describe, expect, it, onTestFinished } from 'vitest'
import {
  HASH_FILE,
  ensureDist,
  inputsHash,
  isCi,
  staleReason,
} from '../../../scripts/ensure-dist.mjs'

/** A repository layout in a temp dir: each file with its content. */
async function layout(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'aa-check-ensure-dist-'))
  onTestFinished(() => rm(root, { recursive: true, force: true }))
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true })
    await writeFile(join(root, path), content)
  }
  return root
}

/** Writes the hash the build writes, as if dist/ had just been built. */
const built = (root: string) => writeFile(join(root, HASH_FILE), `${inputsHash(root)}\n`)

function run(root: string, env: NodeJS.ProcessEnv) {
  const lines: string[] = []
  let builds = 0
  const outcome = ensureDist({ root, env, log: (line) => lines.push(line), build: () => builds++ })
  return { outcome, lines, builds }
}

const inputs = { 'scripts/build.mjs': 'build', 'package-lock.json': '{}', 'src/a/b.ts': 'a' }

describe('ensure-dist', () => {
  it('leaves a bundle built from exactly these inputs alone, whatever the file times', async () => {
    const root = await layout({ ...inputs, 'dist/index.js': '' })
    await built(root)
    // A fresh clone writes every file at checkout: the times say nothing, the content does.
    await utimes(join(root, 'src/a/b.ts'), new Date(), new Date(Date.now() + 60_000))
    expect(staleReason(root)).toBeUndefined()
    expect(run(root, {})).toEqual({
      outcome: 'fresh',
      lines: ['ensure-dist: dist/ is up to date with src/.'],
      builds: 0,
    })
  })

  it('rebuilds when a source file, the build script, the lockfile or a model changed', async () => {
    for (const changed of [
      'src/a/b.ts',
      'scripts/build.mjs',
      'package-lock.json',
      'models/x.bin',
    ]) {
      const root = await layout({ ...inputs, 'dist/index.js': '' })
      await built(root)
      await mkdir(dirname(join(root, changed)), { recursive: true })
      await writeFile(join(root, changed), 'edited')
      expect(run(root, {})).toEqual({
        outcome: 'rebuilt',
        lines: [
          'ensure-dist: src/, models/, scripts/build.mjs or package-lock.json changed since dist/ was built: rebuilding dist/ (node scripts/build.mjs) before the e2e tests.',
        ],
        builds: 1,
      })
    }
  })

  it('rebuilds without a built dist/', async () => {
    const none = await layout(inputs)
    expect(run(none, { CI: 'false' })).toMatchObject({ outcome: 'rebuilt', builds: 1 })
    expect(staleReason(none)).toBe('dist/inputs.sha256 is missing')
  })

  it('never rebuilds in CI: the committed bundle is what CI tests', async () => {
    const root = await layout({ ...inputs, 'dist/index.js': '' })
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
