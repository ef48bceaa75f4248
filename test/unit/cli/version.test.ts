import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { VERSION } from '../../../src/cli/version.js'
import { ROOT } from '../../e2e/harness.js'

describe('the version and the Node the CLI needs', async () => {
  const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as {
    version: string
    engines: { node: string }
  }
  const launcher = await readFile(join(ROOT, 'src/cli/launcher.mjs'), 'utf8')

  it('reports the package version', () => {
    expect(VERSION).toBe(pkg.version)
  })
  it("checks for exactly package.json's engines.node", () => {
    const minimum = /const MINIMUM = '([\d.]+)'/.exec(launcher)?.[1]
    expect(`>=${minimum ?? ''}`).toBe(pkg.engines.node)
  })
  it("checks for the same Node in the action's launcher (dist/index.js)", async () => {
    const action = await readFile(join(ROOT, 'src/action/launcher.mjs'), 'utf8')
    const minimum = /const MINIMUM = '([\d.]+)'/.exec(action)?.[1]
    expect(`>=${minimum ?? ''}`).toBe(pkg.engines.node)
  })
  it('has a CHANGELOG entry for this version', async () => {
    expect(await readFile(join(ROOT, 'CHANGELOG.md'), 'utf8')).toContain(`## ${pkg.version}`)
  })
})
