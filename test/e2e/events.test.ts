import { describe, expect, it } from 'vitest'
import { apiError, failCheck, pass } from '../fakes/dashscope.js'
import { API_KEY, openPull, pushToPull, resultsOf, runOnPull, useFakes } from './setup.js'
import { pushPayload, runAction } from './harness.js'

const fakes = useFakes()
const passAll = () => {
  fakes.dashscope.verdicts = [{ match: /./, reply: () => pass('full') }]
}

function runEvent(
  eventName: string,
  payload: object,
  sha: string,
  inputs: Record<string, string> = {},
) {
  return runAction({
    eventName,
    payload,
    repository: 'acme/photos',
    sha,
    ref: 'refs/heads/main',
    apiUrl: fakes.github.url,
    inputs: { 'api-key': API_KEY, endpoint: fakes.dashscope.endpoint, ...inputs },
  })
}

const pointer = (oid: string, size: number) =>
  `version https://git-lfs.github.com/spec/v1\noid sha256:${oid.repeat(64 / oid.length)}\nsize ${size}\n`

describe('workflow_dispatch audit', () => {
  it('walks subtrees when the recursive tree is truncated, checking all 500 paths', async () => {
    const files: Record<string, string> = { 'README.md': 'x' }
    for (let d = 0; d < 10; d++)
      for (let i = 0; i < 50; i++) files[`set${d}/img${i}.png`] = `d${d}i${i}`
    const sha = fakes.github.git.commit(files)
    fakes.github.truncateTreesAbove = 200
    passAll()
    const run = await runEvent('workflow_dispatch', { inputs: {} }, sha, {
      'rate-limit': '1000',
      concurrency: '16',
    })
    expect(run.exitCode).toBe(0)
    expect(run.outputs.checked).toBe('500')
    expect(new Set(fakes.dashscope.calls.map((c) => c.imageUrl)).size).toBe(500)
    expect(run.stdout).toContain(
      'The tree listing of / was truncated by the API; listing its subtrees one by one.',
    )
    expect(fakes.github.count('GET', /\/git\/trees\//)).toBeGreaterThan(1)
    // No PR: the report goes to the job summary, and no comment is attempted.
    expect(fakes.github.count('POST', /comments$/)).toBe(0)
    expect(run.summary).toContain('all 500 images passed')
  })

  it('fails before any detection above max-images, naming the count and the input', async () => {
    const files: Record<string, string> = {}
    for (let i = 0; i < 12; i++) files[`${i}.jpg`] = `i${i}`
    const sha = fakes.github.git.commit(files)
    const run = await runEvent('schedule', {}, sha, { 'max-images': '10' })
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toContain('::error::Found 12 images to check, more than max-images (10).')
    expect(fakes.dashscope.calls).toHaveLength(0)
  })
})

describe('push', () => {
  it('checks the images changed between before and after', async () => {
    const before = fakes.github.git.commit({ 'old.jpg': 'old', 'keep.jpg': 'keep' })
    const after = fakes.github.git.amend(before, {
      'new.jpg': 'new',
      'old.jpg': 'old v2',
      'gone.jpg': null,
    })
    passAll()
    const run = await runEvent(
      'push',
      pushPayload({ owner: 'acme', repo: 'photos', before, after }),
      after,
    )
    expect(run.exitCode).toBe(0)
    expect(resultsOf(run).map((r) => r.path)).toEqual(['new.jpg', 'old.jpg'])
    expect(fakes.github.count('GET', /\/compare\//)).toBe(1)
  })

  it('falls back to the head commit diff on a new branch (all-zero before), and says so', async () => {
    const parent = fakes.github.git.commit({ 'base.jpg': 'base' })
    const after = fakes.github.git.amend(parent, { 'branch.jpg': 'branch' })
    passAll()
    const run = await runEvent(
      'push',
      pushPayload({
        owner: 'acme',
        repo: 'photos',
        before: '0'.repeat(40),
        after,
        ref: 'refs/heads/new',
      }),
      after,
    )
    expect(run.exitCode).toBe(0)
    expect(resultsOf(run).map((r) => r.path)).toEqual(['branch.jpg'])
    expect(run.stdout).toContain(
      '::notice::New branch or no previous commit: checking the images changed by the pushed head commit.',
    )
  })

  it('audits everything when a new branch starts at a root commit', async () => {
    const after = fakes.github.git.commit({ 'a.jpg': 'a', 'b/c.png': 'c' })
    passAll()
    const run = await runEvent(
      'push',
      pushPayload({ owner: 'acme', repo: 'photos', before: '0'.repeat(40), after }),
      after,
    )
    expect(run.exitCode).toBe(0)
    expect(resultsOf(run).map((r) => r.path)).toEqual(['a.jpg', 'b/c.png'])
    expect(run.stdout).toContain('auditing every image at the pushed commit')
  })

  it('compares trees when a push changes more than the compare API lists', async () => {
    const files: Record<string, string> = {}
    for (let i = 0; i < 350; i++) files[`docs/${i}.md`] = `doc ${i}`
    const before = fakes.github.git.commit({ 'x.txt': 'x' })
    const after = fakes.github.git.amend(before, { ...files, 'zz/late.jpg': 'late' })
    passAll()
    const run = await runEvent(
      'push',
      pushPayload({ owner: 'acme', repo: 'photos', before, after }),
      after,
    )
    expect(run.exitCode).toBe(0)
    expect(resultsOf(run).map((r) => r.path)).toEqual(['zz/late.jpg'])
  })
})

describe('pull requests beyond the files API', () => {
  it('finds images past file 3,000 of a 3,200-file PR', async () => {
    const files: Record<string, string> = {}
    for (let i = 0; i < 3198; i++) files[`aaa/${String(i).padStart(4, '0')}.txt`] = `t${i}`
    files['zzz/one.jpg'] = 'one'
    files['zzz/two.png'] = 'two'
    const { payload } = openPull(fakes.github, files)
    passAll()
    const run = await runOnPull(fakes, payload)
    expect(run.exitCode).toBe(0)
    expect(resultsOf(run).map((r) => r.path)).toEqual(['zzz/one.jpg', 'zzz/two.png'])
    expect(run.stdout).toContain('#7 changes 3200 files and the files API lists at most 3000')
  })
})

describe('forks', () => {
  it('turns a 403 on commenting into a warning, never a failed check', async () => {
    const { payload } = openPull(fakes.github, { 'me.jpg': 'me' }, { fork: 'outsider' })
    fakes.github.commentWriteStatus = 403
    passAll()
    const run = await runOnPull(fakes, payload)
    expect(run.exitCode).toBe(0)
    expect(run.stdout).toMatch(
      /::warning::Could not comment on #7: GitHub API POST \/repos\/acme\/photos\/issues\/7\/comments failed: HTTP 403 .*`permissions: pull-requests: write` \(pull requests from forks always get a read-only token; see "Permissions and troubleshooting" in the README\)\. The full report is in the job summary\./,
    )
    expect(run.summary).toContain('all 1 image passed')
  })
})

describe('Git LFS', () => {
  it('resolves LFS files through the media host, by .gitattributes and by pointer content', async () => {
    const { payload, head } = openPull(fakes.github, {
      '.gitattributes': 'lfs/** filter=lfs diff=lfs merge=lfs -text\n',
      'lfs/a.jpg': pointer('a', 123456),
      'loose/b.jpg': pointer('b', 654321),
      'plain/c.jpg': 'c',
    })
    passAll()
    const run = await runOnPull(fakes, payload)
    expect(run.exitCode).toBe(0)
    const urls = Object.fromEntries(resultsOf(run).map((r) => [String(r.path), String(r.url)]))
    expect(urls).toEqual({
      'lfs/a.jpg': `https://media.githubusercontent.com/media/acme/photos/${head}/lfs/a.jpg`,
      'loose/b.jpg': `https://media.githubusercontent.com/media/acme/photos/${head}/loose/b.jpg`,
      'plain/c.jpg': `https://raw.githubusercontent.com/acme/photos/${head}/plain/c.jpg`,
    })
  })
})

describe('symlinks and submodules', () => {
  it('checks a link as the file it points to, and skips a submodule with a notice', async () => {
    const { payload } = openPull(fakes.github, {
      'real.jpg': 'real',
      'link.jpg': { content: 'real.jpg', mode: '120000' },
      'vendor.png': { mode: '160000', sha: 'c'.repeat(40) },
    })
    passAll()
    const run = await runOnPull(fakes, payload)
    expect(run.exitCode).toBe(0)
    expect(resultsOf(run).map((r) => r.path)).toEqual(['link.jpg', 'real.jpg'])
    // One content, one detection, whichever path names it.
    expect(fakes.dashscope.calls).toHaveLength(1)
    expect(run.stdout).toContain('::notice::Skipped vendor.png: a submodule, not an image file.')
  })

  it('rejects a link that leaves the repository: a link never skips the gate', async () => {
    const { payload } = openPull(fakes.github, {
      'assets/blob.dat': 'not checked by its name',
      'characters/bob.jpg': { content: '../assets/blob.dat', mode: '120000' },
      'characters/eve.jpg': { content: '../../../etc/hostname', mode: '120000' },
    })
    // The service is asked for the link's target, by the target's URL.
    fakes.dashscope.verdicts = [
      {
        match: /\/assets\/blob\.dat$/,
        reply: () => apiError(400, 'InvalidFile.Content', 'No person found'),
      },
    ]
    const run = await runOnPull(fakes, payload)
    expect(run.exitCode).toBe(1)
    expect(resultsOf(run).map((r) => [r.path, r.status, r.code])).toEqual([
      ['characters/bob.jpg', 'reject', 'InvalidFile.Content'],
      ['characters/eve.jpg', 'reject', 'InvalidURL'],
    ])
    expect(fakes.dashscope.calls).toHaveLength(1)
  })
})

describe('never pay twice', () => {
  it('detects one blob at two paths once and reports both', async () => {
    const { payload } = openPull(fakes.github, {
      'a/same.jpg': 'same bytes',
      'b/copy.jpg': 'same bytes',
      'c/other.jpg': 'other',
    })
    passAll()
    const run = await runOnPull(fakes, payload)
    expect(run.exitCode).toBe(0)
    expect(resultsOf(run).map((r) => r.path)).toEqual(['a/same.jpg', 'b/copy.jpg', 'c/other.jpg'])
    expect(fakes.dashscope.calls).toHaveLength(2)
  })

  it('makes zero detection calls on a re-run and posts the same report', async () => {
    const { payload } = openPull(fakes.github, { 'a.jpg': 'a', 'b.jpg': 'b' })
    fakes.dashscope.verdicts = [
      { match: /a\.jpg$/, reply: () => pass('half') },
      { match: /b\.jpg$/, reply: () => failCheck('Multiple persons detected') },
    ]
    const first = await runOnPull(fakes, payload)
    const callsAfterFirst = fakes.dashscope.calls.length
    const bodyAfterFirst = fakes.github.comments.get(7)?.[0]?.body ?? ''
    const second = await runOnPull(fakes, payload)
    expect(callsAfterFirst).toBe(2)
    expect(fakes.dashscope.calls.length).toBe(2)
    expect(second.outputs.results).toBe(first.outputs.results)
    expect(second.exitCode).toBe(1)
    const bodyAfterSecond = fakes.github.comments.get(7)?.[0]?.body ?? ''
    const visible = (body: string) =>
      body
        .replace(/<!-- animate-anyone-check:record .* -->/, '')
        .replace(/, \d+ verdicts? reused from earlier runs/, '')
    expect(visible(bodyAfterSecond)).toBe(visible(bodyAfterFirst))
    expect(bodyAfterSecond).toContain('2 verdicts reused from earlier runs')
  })

  it('re-checks only the images whose content changed on a new push', async () => {
    const pull = openPull(fakes.github, { 'a.jpg': 'a', 'b.jpg': 'b' })
    passAll()
    await runOnPull(fakes, pull.payload)
    const run = await runOnPull(fakes, pushToPull(fakes.github, pull, { 'b.jpg': 'b v2' }).payload)
    expect(run.exitCode).toBe(0)
    expect(fakes.dashscope.calls.map((c) => c.imageUrl.split('/').pop())).toEqual([
      'a.jpg',
      'b.jpg',
      'b.jpg',
    ])
  })

  it('never trusts a record across models', async () => {
    const { payload } = openPull(fakes.github, { 'a.jpg': 'a' })
    passAll()
    await runOnPull(fakes, payload)
    await runOnPull(fakes, payload, { model: 'animate-anyone-detect-gen3' })
    expect(fakes.dashscope.calls).toHaveLength(2)
  })

  it('never trusts a record in a comment someone else wrote', async () => {
    const { payload } = openPull(fakes.github, { 'a.jpg': 'a' })
    fakes.dashscope.verdicts = [{ match: /./, reply: () => failCheck('Multiple persons detected') }]
    await runOnPull(fakes, payload)
    const genuine = fakes.github.comments.get(7)?.[0]?.body ?? ''
    // A contributor copies the bot's comment, record and all, into a comment of their own,
    // and the bot's own comment is gone.
    fakes.github.comments.set(7, [])
    fakes.github.addComment(7, genuine, { login: 'mallory', id: 666, type: 'User' })
    await runOnPull(fakes, payload)
    expect(fakes.dashscope.calls).toHaveLength(2)
    expect(fakes.github.comments.get(7)).toHaveLength(2)
  })
})
