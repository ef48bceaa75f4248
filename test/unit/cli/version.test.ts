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
  const launcher = await readFile(join(ROOT, 'src/launch/node-version.mjs'), 'utf8')

  it('reports the package version', () => {
    expect(VERSION).toBe(pkg.version)
  })
  it("checks for exactly package.json's engines.node", () => {
    const minimum = /export const MINIMUM = '([\d.]+)'/.exec(launcher)?.[1]
    expect(`>=${minimum ?? ''}`).toBe(pkg.engines.node)
  })
  it('tells the oldest Node it takes from one older', async () => {
    const { nodeTooOld } = await import('../../../src/launch/node-version.mjs')
    expect(['22.19.0', '22.20.1', '24.0.0'].map((v) => nodeTooOld(v))).toEqual([
      false,
      false,
      false,
    ])
    expect(['22.18.9', '20.19.0', '12.0.0'].map((v) => nodeTooOld(v))).toEqual([true, true, true])
  })
  it('has a CHANGELOG entry for this version', async () => {
    expect(await readFile(join(ROOT, 'CHANGELOG.md'), 'utf8')).toContain(`## ${pkg.version}`)
  })
})
