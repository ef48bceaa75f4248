import { describe, expect, it } from 'vitest'
import { gatherImages, resolveMode } from '../../../src/gather/gather.js'
import { ConfigError } from '../../../src/core/errors.js'
import { dispatchTrigger, openPull, pushTrigger, useFakeGitHub } from '../../helpers/github.js'
import { RecordingIo } from '../../helpers/io.js'
import { blobSha } from '../../fakes/git.js'

const fake = useFakeGitHub()
const ZERO = '0'.repeat(40)
const images = { mode: 'auto' as const, include: ['**/*.{jpg,jpeg,png,bmp,webp}'], exclude: [] }
const pointer = (oid: string) =>
  `version https://git-lfs.github.com/spec/v1\noid sha256:${oid.repeat(64 / oid.length)}\nsize 123456\n`

const paths = (gathered: { images: { path: string }[] }) => gathered.images.map((i) => i.path)

describe('gatherImages on a pull request', () => {
  it('lists the changed images with their blob shas, checks a link as its target, skips submodules', async () => {
    const { trigger } = openPull(fake.github, {
      'people/a.jpg': 'a',
      'people/B.PNG': 'b',
      'notes.txt': 'text',
      'link.jpg': { content: 'people/a.jpg', mode: '120000' },
      'vendor.png': { mode: '160000', sha: 'c'.repeat(40) },
    })
    const log = new RecordingIo()
    const gathered = await gatherImages(fake.octokit, trigger, images, log)
    expect(gathered.images).toEqual([
      { path: 'link.jpg', sha: blobSha(Buffer.from('a')), lfs: false, target: 'people/a.jpg' },
      { path: 'people/B.PNG', sha: blobSha(Buffer.from('b')), lfs: false },
      { path: 'people/a.jpg', sha: blobSha(Buffer.from('a')), lfs: false },
    ])
    expect(gathered.skipped).toEqual([{ path: 'vendor.png', reason: 'submodule' }])
    expect(gathered.refused).toEqual([])
    expect(gathered.scope).toBe('the 5 files changed by #7')
    expect(gathered.head).toMatchObject({ repo: { owner: 'acme', repo: 'photos' }, ref: 'feature' })
    expect(log.messages('notice')).toEqual(['Skipped vendor.png: a submodule, not an image file.'])
  })

  it("checks a link to a file that is not an image by name as that file, under the link's path", async () => {
    const { trigger } = openPull(fake.github, {
      'assets/blob.dat': 'pixels',
      'characters/bob.jpg': { content: '../assets/blob.dat', mode: '120000' },
    })
    const gathered = await gatherImages(fake.octokit, trigger, images, new RecordingIo())
    expect(gathered.images).toEqual([
      {
        path: 'characters/bob.jpg',
        sha: blobSha(Buffer.from('pixels')),
        lfs: false,
        target: 'assets/blob.dat',
      },
    ])
  })

  it('refuses a link that leaves the repository, dangles or points at a directory', async () => {
    const { trigger } = openPull(fake.github, {
      'people/dir/x.txt': 'x',
      'out.jpg': { content: '../../etc/passwd', mode: '120000' },
      'abs.jpg': { content: '/etc/passwd', mode: '120000' },
      'gone.jpg': { content: 'nowhere.jpg', mode: '120000' },
      'dir.jpg': { content: 'people/dir', mode: '120000' },
    })
    const gathered = await gatherImages(fake.octokit, trigger, images, new RecordingIo())
    expect(gathered.images).toEqual([])
    expect(gathered.refused.map((r) => [r.path, r.code, r.message])).toEqual([
      [
        'abs.jpg',
        'InvalidURL',
        'A symbolic link to /etc/passwd, outside the repository: link to a file inside it, or commit the image itself.',
      ],
      [
        'dir.jpg',
        'InvalidURL',
        'A symbolic link to people/dir: a directory or submodule, not a file.',
      ],
      ['gone.jpg', 'InvalidURL', 'A symbolic link to nowhere.jpg: nothing at this commit.'],
      [
        'out.jpg',
        'InvalidURL',
        'A symbolic link to ../../etc/passwd, outside the repository: link to a file inside it, or commit the image itself.',
      ],
    ])
  })

  it('leaves out removed files and honours exclude', async () => {
    const { trigger } = openPull(
      fake.github,
      { 'gone.jpg': null, 'a.jpg': 'a', 'drafts/b.jpg': 'b' },
      { base: { 'gone.jpg': 'g' } },
    )
    const gathered = await gatherImages(
      fake.octokit,
      trigger,
      { ...images, exclude: ['drafts/**'] },
      new RecordingIo(),
    )
    expect(paths(gathered)).toEqual(['a.jpg'])
    expect(gathered.scope).toBe('the 3 files changed by #7')
  })

  it('marks LFS files by .gitattributes and by pointer content', async () => {
    const { trigger } = openPull(fake.github, {
      '.gitattributes': 'lfs/** filter=lfs diff=lfs merge=lfs -text\n',
      'lfs/a.jpg': pointer('a'),
      'other/b.jpg': pointer('b'),
      'plain.jpg': 'c',
    })
    const gathered = await gatherImages(fake.octokit, trigger, images, new RecordingIo())
    expect(gathered.images.map((i) => [i.path, i.lfs])).toEqual([
      ['lfs/a.jpg', true],
      ['other/b.jpg', true],
      ['plain.jpg', false],
    ])
  })

  it('compares trees when the PR changes more files than the files API listed', async () => {
    const { trigger, base } = openPull(fake.github, { 'a.jpg': 'a', 'deep/b.png': 'b' })
    // The payload says 5,000 files; the files API can list at most 3,000 of them.
    const big = { ...trigger, pr: { ...trigger.pr, changedFiles: 5000 } }
    const log = new RecordingIo()
    const gathered = await gatherImages(fake.octokit, big, images, log)
    expect(paths(gathered)).toEqual(['a.jpg', 'deep/b.png'])
    expect(gathered.scope).toBe('the files changed by #7 (tree comparison)')
    expect(fake.github.count('GET', new RegExp(`/compare/${base}\\.\\.\\.`))).toBe(1)
    expect(log.messages('info')[0]).toMatch(
      /^#7 changes 5000 files and the files API lists at most 3000/,
    )
  })
})

describe('gatherImages on a push', () => {
  it('lists what changed between before and after', async () => {
    const before = fake.github.git.commit({ 'old.jpg': 'old', 'keep.jpg': 'keep' })
    const after = fake.github.git.amend(before, {
      'new.jpg': 'new',
      'old.jpg': 'v2',
      'keep.jpg': null,
    })
    const gathered = await gatherImages(
      fake.octokit,
      pushTrigger(before, after),
      images,
      new RecordingIo(),
    )
    expect(paths(gathered)).toEqual(['new.jpg', 'old.jpg'])
    expect(gathered.scope).toBe(
      `the files changed from ${before.slice(0, 7)} to ${after.slice(0, 7)}`,
    )
  })

  it('compares trees above 300 changed files, never opening unchanged subtrees', async () => {
    const unchanged: Record<string, string> = {}
    for (let i = 0; i < 50; i++) unchanged[`static/${i}.png`] = `s${i}`
    const before = fake.github.git.commit({ ...unchanged, 'x.txt': 'x' })
    const docs: Record<string, string> = {}
    for (let i = 0; i < 350; i++) docs[`docs/${i}.md`] = `doc ${i}`
    const after = fake.github.git.amend(before, { ...docs, 'zz/late.jpg': 'late' })
    const log = new RecordingIo()
    const gathered = await gatherImages(fake.octokit, pushTrigger(before, after), images, log)
    expect(paths(gathered)).toEqual(['zz/late.jpg'])
    expect(gathered.scope).toMatch(/\(tree comparison\)$/)
    expect(log.messages('info')).toContain(
      'The compare API lists at most 300 files: comparing the trees of both commits instead.',
    )
    const staticTree = fake.github.git.trees
      .get(fake.github.git.commits.get(after)?.tree ?? '')
      ?.entries.get('static')?.sha
    expect(staticTree).toBeDefined()
    expect(fake.github.count('GET', new RegExp(`/git/trees/${staticTree ?? ''}$`))).toBe(0)
  })

  it('checks the head commit of a new branch (zero before), and says so', async () => {
    const parent = fake.github.git.commit({ 'base.jpg': 'base' })
    const after = fake.github.git.amend(parent, { 'branch.jpg': 'branch' })
    const log = new RecordingIo()
    const gathered = await gatherImages(fake.octokit, pushTrigger(ZERO, after), images, log)
    expect(paths(gathered)).toEqual(['branch.jpg'])
    expect(gathered.scope).toBe(`the files changed by ${after.slice(0, 7)}`)
    expect(log.messages('notice')).toEqual([
      'New branch or no previous commit: checking the images changed by the pushed head commit.',
    ])
  })

  it('checks everything a new branch adds since the default branch, not only its head commit', async () => {
    const main = fake.github.git.commit({ 'old.jpg': 'old' })
    fake.github.branches.set('main', main)
    const first = fake.github.git.amend(main, { 'first.jpg': 'added by the first commit' })
    const second = fake.github.git.amend(first, { 'second.jpg': 'added by the head commit' })
    const log = new RecordingIo()
    const gathered = await gatherImages(
      fake.octokit,
      pushTrigger(ZERO, second, 'feature', 'main'),
      images,
      log,
    )
    expect(paths(gathered)).toEqual(['first.jpg', 'second.jpg'])
    expect(gathered.scope).toBe('the files the new branch feature changes since main')
  })

  it('audits a new branch that starts at a root commit', async () => {
    const after = fake.github.git.commit({ 'a.jpg': 'a', 'b/c.png': 'c' })
    const log = new RecordingIo()
    const gathered = await gatherImages(fake.octokit, pushTrigger(ZERO, after), images, log)
    expect(paths(gathered)).toEqual(['a.jpg', 'b/c.png'])
    expect(gathered.scope).toBe(
      `every image at ${after.slice(0, 7)} (the change could not be listed)`,
    )
    expect(log.messages('notice')).toEqual([
      'New branch without a usable parent diff: auditing every image at the pushed commit.',
    ])
  })

  it('audits when the previous commit is gone (force push)', async () => {
    const after = fake.github.git.commit({ 'a.jpg': 'a' })
    const gone = 'f'.repeat(40)
    const log = new RecordingIo()
    const gathered = await gatherImages(fake.octokit, pushTrigger(gone, after), images, log)
    expect(paths(gathered)).toEqual(['a.jpg'])
    expect(log.messages('notice')).toEqual([
      'The previous commit fffffff is gone (force push?): auditing every image at the pushed commit.',
    ])
  })
})

describe('gatherImages on other events', () => {
  it('audits the whole tree, walking subtrees when the listing is truncated', async () => {
    const files: Record<string, string> = { 'README.md': 'x' }
    for (let d = 0; d < 4; d++)
      for (let i = 0; i < 30; i++) files[`set${d}/img${i}.png`] = `${d}/${i}`
    const sha = fake.github.git.commit(files)
    fake.github.truncateTreesAbove = 50
    const log = new RecordingIo()
    const gathered = await gatherImages(fake.octokit, dispatchTrigger(sha), images, log)
    expect(gathered.images).toHaveLength(120)
    expect(new Set(paths(gathered)).size).toBe(120)
    expect(gathered.scope).toBe(`every image at ${sha.slice(0, 7)}`)
    expect(log.messages('info')).toEqual([
      'The tree listing of / was truncated by the API; listing its subtrees one by one.',
    ])
  })

  it('refuses mode "changed" on an event without changed files', async () => {
    const sha = fake.github.git.commit({ 'a.jpg': 'a' })
    await expect(
      gatherImages(
        fake.octokit,
        dispatchTrigger(sha, 'schedule'),
        { ...images, mode: 'changed' },
        new RecordingIo(),
      ),
    ).rejects.toThrow(
      new ConfigError(
        'mode',
        'is "changed", but a schedule event has no changed files: use mode "all" or "auto".',
      ),
    )
  })

  it('refuses to guess the commit when GITHUB_SHA is empty', async () => {
    await expect(
      gatherImages(fake.octokit, dispatchTrigger(''), images, new RecordingIo()),
    ).rejects.toThrow('Cannot tell the commit to check: GITHUB_SHA is not set.')
    expect(fake.github.requests).toHaveLength(0)
  })

  it('audits a pull request with mode "all"', async () => {
    const { trigger } = openPull(fake.github, { 'new.jpg': 'n' })
    expect(resolveMode('all', trigger)).toBe('all')
    const gathered = await gatherImages(
      fake.octokit,
      trigger,
      { ...images, mode: 'all' },
      new RecordingIo(),
    )
    expect(paths(gathered)).toEqual(['new.jpg'])
    expect(fake.github.count('GET', /\/pulls\/7\/files$/)).toBe(0)
  })
})
