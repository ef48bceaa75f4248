import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { INPUT_DEFAULTS } from '../../src/config/config.js'
import { SERVICE_LIMITS } from '../../src/config/defaults.js'
import { ROOT } from '../e2e/harness.js'

interface ActionYaml {
  inputs: Record<string, { default?: string }>
  outputs: Record<string, unknown>
  runs: { using: string; main: string }
}

describe('README and action.yml', async () => {
  const action = parse(await readFile(join(ROOT, 'action.yml'), 'utf8')) as ActionYaml
  const readme = await readFile(join(ROOT, 'README.md'), 'utf8')

  it('runs dist/index.js on node24', () => {
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.js' })
  })

  it.each(Object.keys(action.inputs))('documents input %s with its default', (name) => {
    const row = readme
      .split('\n')
      .find((line) => new RegExp(`^\\|\\s*\`${name}\`\\s*\\|`).test(line))
    expect(row, `README has no table row for ${name}`).toBeDefined()
    const fallback = action.inputs[name]?.default ?? ''
    expect(row).toMatch(fallback === '' ? /\|\s*—\s*\|/ : `\`${fallback}\``)
  })

  it.each(Object.keys(action.outputs))('documents output %s', (name) => {
    expect(readme).toMatch(new RegExp(`^\\|\\s*\`${name}\`\\s*\\|`, 'm'))
  })

  it('declares exactly the inputs and defaults of INPUT_DEFAULTS', () => {
    const declared = Object.fromEntries(
      Object.entries(action.inputs).map(([name, spec]) => [name, spec.default ?? '']),
    )
    expect(declared).toEqual(INPUT_DEFAULTS)
  })

  it('states the service limits in the rejection table', () => {
    const row = (code: string) =>
      readme.split('\n').find((line) => line.startsWith(`| \`${code}\``)) ?? ''
    const resolution = row('InvalidFile.Resolution')
    expect(resolution).toContain(`${SERVICE_LIMITS.maxLongestSide} px`)
    expect(resolution).toContain(`${SERVICE_LIMITS.minShortestSide} px`)
    expect(resolution).toContain(
      `${SERVICE_LIMITS.minShortestSide + 1} and ${SERVICE_LIMITS.maxLongestSide - 1} px`,
    )
    expect(row('InvalidFile.Size')).toContain(`${SERVICE_LIMITS.maxFileBytes / 1024 / 1024} MB`)
    expect(row('InvalidURL')).toContain(SERVICE_LIMITS.formats.join('/'))
  })
})
