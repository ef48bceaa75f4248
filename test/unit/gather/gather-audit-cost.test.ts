import type { FileSpec } from '../../fakes/git.js'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { gatherImages, headCommitOf } from '../../../src/gather/gather.js'
import { createOctokit } from '../../../src/github/octokit.js'
import { silentLogger } from '../../../src/core/log.js'
import { FakeGitHub } from '../../fakes/github.js'
import type { Trigger } from '../../../src/core/types.js'
import { probeLfsPointers } from '../../../src/resolve/lfs.js'

const pointer = (i: number) =>
  `version https://git-lfs.github.com/spec/v1\noid sha256:${i.toString(16).padStart(64, '0')}\nsize ${1000 + i}\n`
/** 200 bytes: the size of an LFS pointer, so the old gather read each blob to tell. */
const pointerSized = (i: number) => `photo ${i} `.padEnd(200, 'x')

describe('an audit of 2,000 tracked files', () => {
  let github: FakeGitHub
  beforeEach(async () => {
    github = await new FakeGitHub().start()
  })
  afterEach(async () => {
    await github.close()
  })

  const audit = async (files: Record<string, FileSpec>) => {
    const sha = github.git.commit(files)
    const trigger: Trigger = {
      kind: 'other',
      eventName: 'schedule',
      repo: { owner: 'acme', repo: 'photos' },
      sha,
      ref: 'refs/heads/main',
    }
    const octokit = createOctokit('t', silentLogger, { baseUrl: github.url })
    const config = { mode: 'auto' as const, include: ['**/*.jpg'], exclude: [] }
    return {
      gathered: await gatherImages(octokit, trigger, config, silentLogger),
      octokit,
      trigger,
    }
  }

  it('costs the recursive tree and the root .gitattributes, nothing per file', async () => {
    const files: Record<string, string> = { '.gitattributes': '*.psd filter=lfs\n' }
    for (let i = 0; i < 2000; i++) files[`set${i % 20}/img${i}.jpg`] = pointerSized(i)
    const { gathered } = await audit(files)
    expect(gathered.images).toHaveLength(2000)
    expect(github.requests.map((r) => `${r.method} ${r.path}?${r.query.toString()}`)).toEqual([
      expect.stringMatching(
        /^GET \/repos\/acme\/photos\/git\/trees\/[0-9a-f]{40}\?recursive=true$/,
      ),
      expect.stringMatching(/^GET \/repos\/acme\/photos\/contents\/\.gitattributes\?ref=/),
    ])
  })

  it('walks subtrees only when the listing is truncated, still nothing per file', async () => {
    const files: Record<string, string> = {}
    for (let i = 0; i < 2000; i++) files[`set${i % 20}/img${i}.jpg`] = pointerSized(i)
    github.truncateTreesAbove = 500
    const { gathered } = await audit(files)
    expect(gathered.images).toHaveLength(2000)
    // The recursive listing, the top level, each of the 20 folders, and .gitattributes.
    expect(github.count('GET', /\/git\/trees\//)).toBe(1 + 1 + 20)
    expect(github.count('GET', /\/git\/blobs\//)).toBe(0)
    expect(github.requests).toHaveLength(23)
  })

  it('reads a pointer-sized blob only when it is about to be detected', async () => {
    const files: Record<string, string> = {}
    for (let i = 0; i < 10; i++) files[`p/${i}.jpg`] = i < 5 ? pointer(i) : pointerSized(i)
    const { gathered, octokit, trigger } = await audit(files)
    expect(gathered.images.every((image) => image.unprobed === true && !image.lfs)).toBe(true)
    const before = github.requests.length
    const wanted = new Set(['p/0.jpg', 'p/1.jpg', 'p/7.jpg'])
    const probed = await probeLfsPointers(
      octokit,
      headCommitOf(trigger),
      gathered.images,
      (image) => wanted.has(image.path),
    )
    expect(github.requests.length - before).toBe(3)
    expect(probed.filter((image) => image.lfs).map((image) => image.path)).toEqual([
      'p/0.jpg',
      'p/1.jpg',
    ])
    expect(probed.filter((image) => image.unprobed === true)).toHaveLength(7)
  })

  it("keeps a probed symbolic link's target, so its URL names the file it points to", async () => {
    const { gathered, octokit, trigger } = await audit({
      'p/real.jpg': pointerSized(1),
      'p/link.jpg': { content: 'real.jpg', mode: '120000' },
    })
    const probed = await probeLfsPointers(
      octokit,
      headCommitOf(trigger),
      gathered.images,
      () => true,
    )
    expect(probed.find((image) => image.path === 'p/link.jpg')).toMatchObject({
      target: 'p/real.jpg',
      lfs: false,
    })
    expect(probed.every((image) => image.unprobed === undefined)).toBe(true)
  })
})
