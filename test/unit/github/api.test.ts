import { describe, expect, it, onTestFinished } from 'vitest'
import { createOctokit } from '../../../src/github/octokit.js'
import {
  TreeIndex,
  commitFiles,
  compareFiles,
  diffTrees,
  listPullFiles,
  listTree,
  readFileAt,
} from '../../../src/github/api.js'
import { blobSha } from '../../fakes/git.js'
import { listen, sendJson } from '../../fakes/http.js'
import { silentLogger } from '../../../src/core/log.js'
import { REPO, TOKEN, openPull, useFakeGitHub } from '../../helpers/github.js'

const fake = useFakeGitHub()

const many = (count: number, prefix: string): Record<string, string> => {
  const files: Record<string, string> = {}
  for (let i = 0; i < count; i++)
    files[`${prefix}/${String(i).padStart(3, '0')}.jpg`] = `${prefix}${i}`
  return files
}

describe('listPullFiles', () => {
  it('reads every page of the files API', async () => {
    const { number } = openPull(fake.github, many(250, 'p'))
    const files = await listPullFiles(fake.octokit, REPO, number)
    expect(files).toHaveLength(250)
    expect(files[0]).toEqual({
      path: 'p/000.jpg',
      sha: blobSha(Buffer.from('p0')),
      status: 'added',
    })
    expect(fake.github.count('GET', /\/pulls\/7\/files$/)).toBe(3)
  })
})

describe('compareFiles', () => {
  it('lists a comparison and its merge base', async () => {
    const before = fake.github.git.commit({ 'a.jpg': 'a' })
    const after = fake.github.git.amend(before, { 'a.jpg': 'a2', 'b.jpg': 'b', 'c.jpg': null })
    const compared = await compareFiles(fake.octokit, REPO, before, after)
    expect(compared).toEqual({
      files: [
        { path: 'a.jpg', sha: blobSha(Buffer.from('a2')), status: 'modified' },
        { path: 'b.jpg', sha: blobSha(Buffer.from('b')), status: 'added' },
      ],
      complete: true,
      mergeBase: before,
    })
  })

  it('is incomplete when the API cut the list at 300 files', async () => {
    const before = fake.github.git.commit({ 'x.txt': 'x' })
    const after = fake.github.git.amend(before, many(301, 'c'))
    const compared = await compareFiles(fake.octokit, REPO, before, after)
    expect(compared.files).toHaveLength(300)
    expect(compared.complete).toBe(false)
  })
})

describe('commitFiles', () => {
  it('reads every page of a commit and counts its parents', async () => {
    const parent = fake.github.git.commit({ 'x.txt': 'x' })
    const sha = fake.github.git.amend(parent, many(150, 'k'))
    const commit = await commitFiles(fake.octokit, REPO, sha)
    expect(commit.files).toHaveLength(150)
    expect(commit).toMatchObject({ complete: true, parents: 1 })
    expect(fake.github.count('GET', new RegExp(`/commits/${sha}$`))).toBe(2)
    expect((await commitFiles(fake.octokit, REPO, parent)).parents).toBe(0)
  })
})

describe('listTree', () => {
  it('takes one request when the recursive listing is whole', async () => {
    const sha = fake.github.git.commit({ 'a.jpg': 'a', 'b/c.jpg': 'c' })
    const entries = await listTree(fake.octokit, REPO, sha)
    expect(entries.map((e) => [e.path, e.type])).toEqual([
      ['a.jpg', 'blob'],
      ['b', 'tree'],
      ['b/c.jpg', 'blob'],
    ])
    expect(entries[0]).toMatchObject({ mode: '100644', size: 1, sha: blobSha(Buffer.from('a')) })
    expect(fake.github.count('GET', /\/git\/trees\//)).toBe(1)
  })

  it('lists subtrees one by one when the recursive listing is truncated', async () => {
    const sha = fake.github.git.commit({ ...many(20, 'one'), ...many(20, 'two'), 'top.jpg': 't' })
    fake.github.truncateTreesAbove = 30
    const walked: string[] = []
    const entries = await listTree(fake.octokit, REPO, sha, '', (path) => walked.push(path))
    expect(entries.filter((e) => e.type === 'blob')).toHaveLength(41)
    expect(entries.map((e) => e.path)).toContain('two/019.jpg')
    expect(walked).toEqual(['/'])
  })
})

describe('diffTrees', () => {
  it('returns the changed blobs and opens only subtrees whose sha changed', async () => {
    const base = fake.github.git.commit({ ...many(10, 'same'), 'dir/a.jpg': 'a', 'dir/b.jpg': 'b' })
    const head = fake.github.git.amend(base, { 'dir/b.jpg': 'b2', 'new/c.jpg': 'c' })
    const [baseTree, headTree] = [base, head].map((c) => fake.github.git.commits.get(c)?.tree ?? '')
    const changed = await diffTrees(fake.octokit, REPO, baseTree ?? '', headTree ?? '')
    expect(changed.map((e) => e.path)).toEqual(['dir/b.jpg', 'new/c.jpg'])
    const same = fake.github.git.trees.get(headTree ?? '')?.entries.get('same')?.sha ?? ''
    expect(fake.github.count('GET', new RegExp(`/git/trees/${same}$`))).toBe(0)
    expect(await diffTrees(fake.octokit, REPO, headTree ?? '', headTree ?? '')).toEqual([])
  })
})

describe('TreeIndex', () => {
  it('looks entries up fetching each directory on the way once', async () => {
    const sha = fake.github.git.commit({
      'a/b/one.jpg': '1',
      'a/b/two.jpg': '2',
      'a/three.jpg': '3',
    })
    const index = new TreeIndex(fake.octokit, REPO, sha)
    const [one, two, three, missing] = await Promise.all([
      index.entry('a/b/one.jpg'),
      index.entry('a/b/two.jpg'),
      index.entry('a/three.jpg'),
      index.entry('a/nope/x.jpg'),
    ])
    expect(one).toMatchObject({ sha: blobSha(Buffer.from('1')), type: 'blob' })
    expect(two?.path).toBe('two.jpg')
    expect(three?.size).toBe(1)
    expect(missing).toBeUndefined()
    // The root, a and a/b: three listings for four look-ups.
    expect(fake.github.count('GET', /\/git\/trees\//)).toBe(3)
  })
})

describe('readFileAt', () => {
  it('answers undefined for a file that is not there', async () => {
    const sha = fake.github.git.commit({ 'a.jpg': 'a' })
    expect(await readFileAt(fake.octokit, REPO, '.gitattributes', sha)).toBeUndefined()
  })

  it('throws on any other failure', async () => {
    const server = await listen((_req, res) => sendJson(res, 422, { message: 'No commit found' }))
    onTestFinished(server.close)
    const octokit = createOctokit(TOKEN, silentLogger, { baseUrl: server.url })
    await expect(readFileAt(octokit, REPO, '.gitattributes', 'abc')).rejects.toMatchObject({
      status: 422,
    })
  })
})
