import { execFileSync } from 'node:child_process'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { directoryFiles, findLocalTargets } from '../../../src/gather/local-files.js'
import { createPathFilter } from '../../../src/gather/paths.js'
import { DEFAULT_INCLUDE } from '../../../src/config/config.js'

let dir = ''
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aa-local-files-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function put(files: Record<string, string>): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(join(dir, path, '..'), { recursive: true })
    await writeFile(join(dir, path), content)
  }
}

const git = (...args: string[]) =>
  execFileSync('git', args, {
    cwd: dir,
    env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' },
  })

const tree = {
  'photos/a.jpg': 'a',
  'photos/b.png': 'b',
  'node_modules/pkg/logo.png': 'logo',
  'build/out.jpg': 'out',
  'notes.txt': 'n',
}

describe('directoryFiles', () => {
  it('in a git work tree: tracked and untracked files, not what .gitignore ignores', async () => {
    await put({ ...tree, '.gitignore': 'build/\n', 'tracked-ignored/c.jpg': 'c' })
    git('init', '-q')
    git('add', '.')
    git('add', '-f', 'tracked-ignored/c.jpg')
    git('add', '-f', 'node_modules/pkg/logo.png')
    await put({ 'untracked.webp': 'u', 'build/new.jpg': 'new' })
    await writeFile(join(dir, '.gitignore'), 'build/\ntracked-ignored/\n')
    expect(await directoryFiles(dir)).toEqual([
      '.gitignore',
      'notes.txt',
      'photos/a.jpg',
      'photos/b.png',
      // Tracked files stay, as git shows them, even when a later ignore rule matches.
      'tracked-ignored/c.jpg',
      'untracked.webp',
    ])
  })

  it('in a subfolder of a work tree: that folder only, relative to it', async () => {
    await put(tree)
    git('init', '-q')
    expect(await directoryFiles(join(dir, 'photos'))).toEqual(['a.jpg', 'b.png'])
  })

  it('outside a work tree: walks everything but .git and node_modules', async () => {
    await put({ ...tree, '.git/config': 'x', '.gitignore': 'build/\n' })
    expect(await directoryFiles(dir)).toEqual([
      '.gitignore',
      'build/out.jpg',
      'notes.txt',
      'photos/a.jpg',
      'photos/b.png',
    ])
  })

  it('leaves out files deleted from the work tree but still tracked', async () => {
    await put(tree)
    git('init', '-q')
    git('add', '.')
    await rm(join(dir, 'photos/a.jpg'))
    expect(await directoryFiles(dir)).not.toContain('photos/a.jpg')
  })
})

describe('findLocalTargets on a directory in a work tree', () => {
  it('checks the images git shows and counts the rest as skipped', async () => {
    await put({ ...tree, '.gitignore': 'build/\n' })
    git('init', '-q')
    const { targets, skipped } = await findLocalTargets(
      [dir],
      createPathFilter([DEFAULT_INCLUDE], []),
    )
    expect(targets.map((target) => target.path)).toEqual([
      join(dir, 'photos/a.jpg'),
      join(dir, 'photos/b.png'),
    ])
    expect(skipped).toEqual([join(dir, '.gitignore'), join(dir, 'notes.txt')])
  })
})
