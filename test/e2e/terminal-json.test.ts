import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { ROOT, runCli } from './harness.js'

/** What a terminal acts on or hides, raw: C1 controls (CSI), bidi controls, line separators. */
const RAW = /[\u0080-\u009f\u202a-\u202e\u2066-\u2069\u2028\u2029]/

let dir = ''
afterEach(async () => {
  if (dir !== '') await rm(dir, { recursive: true, force: true })
})

describe('JSON the CLI prints', () => {
  it('carries no raw terminal control from a file name (check --json, audit --format json)', async () => {
    dir = await mkdtemp(join(tmpdir(), 'aa-json-'))
    // An 8-bit CSI that colours the rest red, and a right-to-left override that shows "exe.jpg".
    const name = 'a\u009b31mred\u202egpj.exe\u2066.jpg'
    await copyFile(join(ROOT, 'test/fixtures/photos/too-small.jpg'), join(dir, name))
    await writeFile(join(dir, 'notes\u0085.txt'), 'not an image')

    const check = await runCli(['check', '--json', '--backend', 'local', dir])
    expect(check.code).toBe(1)
    expect(check.stdout).not.toMatch(RAW)
    expect(check.stdout).toContain('a\\u009b31mred\\u202egpj.exe\\u2066.jpg')
    const [result] = JSON.parse(check.stdout) as { path: string; code: string }[]
    expect(result?.path).toBe(join(dir, name))
    expect(result?.code).toBe('InvalidFile.Resolution')

    const audit = await runCli(['audit', dir, '--format', 'json', '--backend', 'local'])
    expect(audit.stdout).not.toMatch(RAW)
    expect(audit.stderr).not.toMatch(RAW)
    expect((JSON.parse(audit.stdout) as { path: string }[])[0]?.path).toBe(join(dir, name))
  })
})
