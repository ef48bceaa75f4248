import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { INPUT_DEFAULTS } from '../../src/config/config.js'
import { SERVICE_LIMITS } from '../../src/config/defaults.js'
import { COMMAND_HELP } from '../../src/cli/usage.js'
import { PULL_REQUEST_EVENTS } from '../../src/gather/event.js'
import { ROOT } from '../e2e/harness.js'

interface ActionYaml {
  inputs: Record<string, { default?: string; description?: string }>
  outputs: Record<string, { description?: string }>
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

  it('names every field of a results item in action.yml as in the README', () => {
    const fields = (text: string) => [...text.matchAll(/(?<=[{,])"([a-zA-Z]+)"/g)].map((m) => m[1])
    const row = readme.split('\n').find((line) => line.startsWith('| `results`')) ?? ''
    expect(fields(row)).toContain('sha')
    expect(fields(action.outputs.results?.description ?? '')).toEqual(fields(row))
  })

  it("names every pull request event in action.yml's mode description", () => {
    for (const event of PULL_REQUEST_EVENTS) {
      expect(action.inputs.mode?.description).toContain(event)
    }
  })
})

/** `default: X` of each option in a command's --help, continuation lines included. */
function helpDefaults(help: string): Map<string, string> {
  const defaults = new Map<string, string>()
  let flag: string | undefined
  for (const line of help.split('\n')) {
    const option = /^\s{2}(--[a-z-]+)/.exec(line)
    if (option !== null) flag = option[1]
    else if (!/^\s{20,}/.test(line)) flag = undefined
    const value = /default: (.+?)(?: \(.*\))?$/.exec(line)
    if (flag !== undefined && value?.[1] !== undefined) defaults.set(flag, value[1])
  }
  return defaults
}

describe('README and --help', async () => {
  const readme = await readFile(join(ROOT, 'README.md'), 'utf8')

  it("states serve's option defaults as its --help does", () => {
    const defaults = helpDefaults(COMMAND_HELP.serve ?? '')
    const start = readme.indexOf('\n### `aa-check serve`')
    const section = readme.slice(start, readme.indexOf('\n## ', start + 1))
    const claims = [
      ...section.matchAll(/`(--[a-z-]+)`[^`.]{0,12}?default (one per core|[\w.]+)/g),
    ].filter((claim) => defaults.has(claim[1] ?? ''))
    expect(claims.length).toBeGreaterThanOrEqual(8)
    for (const [, flag = '', value = ''] of claims) {
      expect(`${flag} default ${value}`).toBe(`${flag} default ${defaults.get(flag) ?? ''}`)
    }
  })

  it.each(['check', 'audit'])(
    "gives %s's detection options the defaults of the inputs they share",
    (command) => {
      const defaults = helpDefaults(COMMAND_HELP[command] ?? '')
      for (const input of ['endpoint', 'model', 'require-bodystyle', 'concurrency', 'timeout']) {
        const row = readme.split('\n').find((line) => line.startsWith(`| \`${input}\``))
        expect(row).toContain(`\`${defaults.get(`--${input}`) ?? 'missing'}\``)
      }
    },
  )
})
