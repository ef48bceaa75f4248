import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { ESLint } from 'eslint'
import tseslint from 'typescript-eslint'
import { describe, expect, it } from 'vitest'
import { ADAPTERS, STAGES } from '../../scripts/stages.mjs'
import { ROOT } from '../e2e/harness.js'

const ORDER = STAGES
const ADAPTER_NAMES = Object.keys(ADAPTERS)
const SRC = join(ROOT, 'src')

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : []
  })
}

/** Every relative import of src/, as file → imported files. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>()
  for (const file of sourceFiles(SRC)) {
    const text = readFileSync(file, 'utf8')
    const targets = [...text.matchAll(/from\s+'(\.{1,2}\/[^']+)'/g)].map((match) =>
      resolve(dirname(file), (match[1] ?? '').replace(/\.js$/, '.ts')),
    )
    graph.set(file, targets)
  }
  return graph
}

const folderOf = (file: string) => relative(SRC, file).split('/')[0] ?? ''

describe('src/ imports run one way', () => {
  const graph = importGraph()

  it('has every file in a known stage or adapter folder', () => {
    const folders = new Set([...graph.keys()].map(folderOf).filter((f) => !f.endsWith('.ts')))
    expect([...folders].filter((f) => !ORDER.includes(f) && !ADAPTER_NAMES.includes(f))).toEqual([])
  })

  it('imports from a stage only stages before it', () => {
    const wrong: string[] = []
    for (const [file, targets] of graph) {
      const from = ORDER.indexOf(folderOf(file))
      if (from < 0) continue
      for (const target of targets) {
        const to = ORDER.indexOf(folderOf(target))
        if (to > from || ADAPTER_NAMES.includes(folderOf(target)))
          wrong.push(`${relative(SRC, file)} -> ${relative(SRC, target)}`)
      }
    }
    expect(wrong).toEqual([])
  })

  it('has no cycle between files', () => {
    const cycles: string[] = []
    const state = new Map<string, 'open' | 'done'>()
    const visit = (file: string, trail: string[]) => {
      if (state.get(file) === 'done') return
      if (state.get(file) === 'open') {
        cycles.push(
          [...trail.slice(trail.indexOf(file)), file].map((f) => relative(SRC, f)).join(' -> '),
        )
        return
      }
      state.set(file, 'open')
      for (const target of graph.get(file) ?? []) visit(target, [...trail, file])
      state.set(file, 'done')
    }
    for (const file of graph.keys()) visit(file, [])
    expect(cycles).toEqual([])
  })

  it('fails lint on a deliberate wrong-way import', async () => {
    // Only the import rule matters here: without type information ESLint starts in a second.
    const eslint = new ESLint({ cwd: ROOT, overrideConfig: tseslint.configs.disableTypeChecked })
    const file = join(SRC, 'core/log.ts')
    // core/ comes before every other stage: a core module reading the report runs the wrong way.
    const text = `${readFileSync(file, 'utf8')}\nexport { renderReport } from '../report/render.js'\n`
    const [result] = await eslint.lintText(text, { filePath: file })
    const messages = (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports')
    expect(messages.map((m) => m.line)).toEqual([
      text.split('\n').findIndex((line) => line.includes('../report/render.js')) + 1,
    ])
    expect(messages[0]?.message).toContain('imports run one way')
  })
})
