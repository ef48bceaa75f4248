import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseAllDocuments } from 'yaml'
import { ROOT } from '../e2e/harness.js'

/** Every `run:` script in the README's YAML examples, with the block it came from. */
async function runScripts(): Promise<{ block: number; script: string }[]> {
  const readme = await readFile(join(ROOT, 'README.md'), 'utf8')
  const blocks = [...readme.matchAll(/```ya?ml\n([\s\S]*?)```/g)].map((match) => match[1] ?? '')
  const scripts: { block: number; script: string }[] = []
  const walk = (node: unknown, block: number): void => {
    if (Array.isArray(node)) {
      for (const item of node) walk(item, block)
    } else if (typeof node === 'object' && node !== null) {
      for (const [key, value] of Object.entries(node)) {
        if (key === 'run' && typeof value === 'string') scripts.push({ block, script: value })
        else walk(value, block)
      }
    }
  }
  blocks.forEach((text, block) => {
    for (const document of parseAllDocuments(text)) {
      if (!('errors' in document) || document.errors.length === 0) walk(document.toJS(), block)
    }
  })
  return scripts
}

describe("README's workflow examples", () => {
  it('have run scripts to check', async () => {
    expect((await runScripts()).length).toBeGreaterThan(0)
  })

  it('never expand outputs or event data inside a run script (a file name could run a command)', async () => {
    const inlined = (await runScripts()).filter(({ script }) =>
      /\$\{\{[^}]*\b(outputs|github\.event|github\.head_ref)\b[^}]*\}\}/.test(script),
    )
    expect(inlined).toEqual([])
  })

  it('catches the unsafe pattern it looks for', () => {
    const unsafe = "echo '${{ steps.photos.outputs.results }}' | jq ."
    expect(/\$\{\{[^}]*\b(outputs|github\.event|github\.head_ref)\b[^}]*\}\}/.test(unsafe)).toBe(
      true,
    )
  })
})
