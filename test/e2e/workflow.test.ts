import { describe, expect, it } from 'vitest'
import { failCheck, pass } from '../fakes/dashscope.js'
import { blobSha } from '../fakes/git.js'
import { mergeGroupPayload, runAction } from './harness.js'
import { API_KEY, openPull, pushToPull, resultsOf, runOnPull, useFakes } from './setup.js'

const fakes = useFakes()

describe('comment-key', () => {
  it('keeps one comment per key: two steps, two comments, each edited in place', async () => {
    const { payload } = openPull(fakes.github, { 'a.jpg': 'a' })
    fakes.dashscope.verdicts = [{ match: /a\.jpg$/, reply: () => pass('half') }]
    const full = await runOnPull(fakes, payload, {
      'comment-key': 'full',
      'require-bodystyle': 'full',
    })
    const any = await runOnPull(fakes, payload)
    expect(full.exitCode).toBe(1)
    expect(any.exitCode).toBe(0)
    const comments = fakes.github.comments.get(7) ?? []
    expect(comments.map((c) => c.body.split('\n')[0])).toEqual([
      '<!-- animate-anyone-check full -->',
      '<!-- animate-anyone-check -->',
    ])
    expect(comments[0]?.body).toContain('`BodyStyleMismatch`')
    expect(comments[1]?.body).toContain('all 1 image passed')

    // Each step finds its own comment again (and its own record: no new detection).
    await runOnPull(fakes, payload, { 'comment-key': 'full', 'require-bodystyle': 'full' })
    await runOnPull(fakes, payload)
    expect(fakes.github.comments.get(7)).toHaveLength(2)
    expect(fakes.github.count('POST', /\/issues\/7\/comments$/)).toBe(2)
    expect(fakes.dashscope.calls).toHaveLength(2)
  })
})

describe('max-annotations', () => {
  it('without checks: write, annotates 10 of 15 rejected files and counts the other 5 in one notice', async () => {
    fakes.github.checkRunWriteStatus = 403
    const files: Record<string, string> = {}
    for (let i = 0; i < 15; i++) files[`bad/${String(i).padStart(2, '0')}.jpg`] = `bad ${i}`
    const { payload } = openPull(fakes.github, files)
    fakes.dashscope.verdicts = [{ match: /./, reply: () => failCheck('Multiple persons detected') }]
    const run = await runOnPull(fakes, payload, { 'rate-limit': '1000' })
    expect(run.exitCode).toBe(1)
    const annotations = run.stdout.match(
      /^::error title=Rejected by the AnimateAnyone check,file=/gm,
    )
    expect(annotations).toHaveLength(10)
    expect(run.stdout).toContain(
      '::notice::5 more rejected or unchecked images are not annotated (max-annotations: 10); the job summary lists every image.',
    )
    expect(run.summary).toContain('`InvalidFile.Content` · 15 images')
    expect(run.stdout).toContain('::notice::No check run: this token lacks "checks: write"')
  })

  it('with check-run: true, fails the step when the token may not create the check run', async () => {
    fakes.github.checkRunWriteStatus = 403
    const { payload } = openPull(fakes.github, { 'a.jpg': 'a' })
    fakes.dashscope.verdicts = [{ match: /./, reply: () => pass('full') }]
    const run = await runOnPull(fakes, payload, { 'check-run': 'true' })
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toContain('the token needs the "checks: write" permission')
  })
})

describe('progress', () => {
  it('logs one line per image inside the Detecting group, and the decisions for debugging', async () => {
    const { payload } = openPull(fakes.github, { 'ok.jpg': 'ok', 'x/bad\u202e.jpg': 'bad' })
    fakes.dashscope.verdicts = [
      { match: /ok\.jpg$/, reply: () => pass('full') },
      { match: /bad/, reply: () => failCheck('The body is turned sideways') },
    ]
    const run = await runOnPull(fakes, payload)
    const group = run.stdout.split('::group::Detecting')[1]?.split('::endgroup::')[0] ?? ''
    const lines = group.split('\n').filter((line) => /^\[\d\/2\]/.test(line))
    expect(lines.sort()).toEqual([
      expect.stringMatching(/^\[[12]\/2\] PASS ok\.jpg$/) as unknown,
      expect.stringMatching(
        /^\[[12]\/2\] REJECT x\/bad\\u202e\.jpg InvalidFile\.BodyPose$/,
      ) as unknown,
    ])
    // The annotation's file property keeps the real path (GitHub matches it); log lines never do.
    expect(group).not.toContain('\u202e')
    expect(run.stdout).toMatch(/^::debug::Request for ok\.jpg \(attempt 1\)$/m)
    expect(run.stdout).toMatch(
      /^::debug::Decision for x\/bad\\u202e\.jpg: reject, code InvalidFile\.BodyPose/m,
    )
  })
})

describe('merge_group', () => {
  it("checks only the files the queue entry changes, from GitHub's own payload", async () => {
    const base = fakes.github.git.commit({ 'old.jpg': 'old', 'keep.jpg': 'keep' })
    const head = fakes.github.git.amend(base, { 'new.jpg': 'new', 'old.jpg': 'old v2' })
    fakes.dashscope.verdicts = [
      { match: /new\.jpg$/, reply: () => pass('full') },
      { match: /old\.jpg$/, reply: () => failCheck('The face is covered') },
    ]
    const run = await runAction({
      eventName: 'merge_group',
      payload: mergeGroupPayload({ owner: 'acme', repo: 'photos', base, head }),
      repository: 'acme/photos',
      sha: head,
      ref: 'refs/heads/gh-readonly-queue/main/pr-7',
      apiUrl: fakes.github.url,
      inputs: { 'api-key': API_KEY, endpoint: fakes.dashscope.endpoint },
    })
    expect(run.exitCode).toBe(1)
    expect(resultsOf(run).map((r) => [r.path, r.status])).toEqual([
      ['new.jpg', 'pass'],
      ['old.jpg', 'reject'],
    ])
    expect(fakes.dashscope.calls.some((c) => c.imageUrl.includes('keep.jpg'))).toBe(false)
    expect(fakes.github.count('GET', new RegExp(`/compare/${base}\\.\\.\\.${head}$`))).toBe(1)
    expect(run.stdout).toContain(
      `Checking the files the merge queue entry changes from ${base.slice(0, 7)} to ${head.slice(0, 7)}: 2 image(s).`,
    )
    expect(fakes.github.count('POST', /comments$/)).toBe(0)
    expect(run.summary).toContain('`InvalidFile.FacePose`')
  })
})

describe('accept', () => {
  it('accepts a reviewed rejection of exactly that content, and rejects it again once it changes', async () => {
    const pull = openPull(fakes.github, { 'people/kept.jpg': 'kept', 'people/ok.jpg': 'ok' })
    fakes.dashscope.verdicts = [
      { match: /kept\.jpg$/, reply: () => failCheck('The body is turned sideways') },
      { match: /ok\.jpg$/, reply: () => pass('full') },
    ]
    const sha = blobSha(Buffer.from('kept'))
    const accept = `# reviewed: a side view we keep\npeople/kept.jpg@${sha.toUpperCase()}`
    const first = await runOnPull(fakes, pull.payload, { accept })
    expect(first.exitCode).toBe(0)
    expect(first.outputs).toMatchObject({ checked: '2', passed: '1', rejected: '0', accepted: '1' })
    expect(resultsOf(first)).toContainEqual(
      expect.objectContaining({ path: 'people/kept.jpg', status: 'accepted', sha }),
    )
    expect(first.stdout).not.toMatch(/^::error/m)
    expect(first.stdout).toContain('1 of 2 images passed, 1 accepted (accept input).')
    const body = fakes.github.comments.get(7)?.[0]?.body ?? ''
    expect(body).toContain('### ✅ AnimateAnyone image check: 1 passed, 1 accepted')
    expect(body).toContain('#### ☑️ Accepted · 1 image')

    const changed = pushToPull(fakes.github, pull, { 'people/kept.jpg': 'kept, edited' })
    const second = await runOnPull(fakes, changed.payload, { accept })
    expect(second.exitCode).toBe(1)
    expect(second.outputs).toMatchObject({ rejected: '1', accepted: '0' })
    expect(resultsOf(second)).toContainEqual(
      expect.objectContaining({
        path: 'people/kept.jpg',
        status: 'reject',
        sha: blobSha(Buffer.from('kept, edited')),
      }),
    )
  })

  it('fails at once on a line that is no blob SHA, naming the input and the line', async () => {
    const { payload } = openPull(fakes.github, { 'a.jpg': 'a' })
    const run = await runOnPull(fakes, payload, { accept: `${'a'.repeat(40)}\nnot-a-sha` })
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toContain(
      '::error::Input "accept" line 2 is not a blob SHA (40 or 64 hex digits) or path@blobsha: "not-a-sha".',
    )
    expect(fakes.dashscope.calls).toHaveLength(0)
  })
})

describe('skip-drafts', () => {
  const asDraft = (payload: object): object => {
    const event = payload as { pull_request: Record<string, unknown> }
    return { ...event, pull_request: { ...event.pull_request, draft: true } }
  }

  it('skips a draft with a notice: no detection, no comment, exit 0', async () => {
    const { payload } = openPull(fakes.github, { 'a.jpg': 'a' })
    const run = await runOnPull(fakes, asDraft(payload), { 'skip-drafts': 'true' })
    expect(run.exitCode).toBe(0)
    expect(run.stdout).toContain('::notice::#7 is a draft: not checked (skip-drafts).')
    expect(fakes.dashscope.calls).toHaveLength(0)
    expect(fakes.github.requests).toHaveLength(0)
    expect(fakes.github.comments.get(7)).toBeUndefined()
  })

  it('checks a draft by default, and a ready PR with skip-drafts', async () => {
    const { payload } = openPull(fakes.github, { 'a.jpg': 'a' })
    fakes.dashscope.verdicts = [{ match: /a\.jpg$/, reply: () => pass('full') }]
    expect((await runOnPull(fakes, asDraft(payload))).outputs.checked).toBe('1')
    expect((await runOnPull(fakes, payload, { 'skip-drafts': 'true' })).outputs.checked).toBe('1')
  })
})

describe('gallery', () => {
  it('writes the evidence gallery, sets its output and names it in the comment', async () => {
    const { payload } = openPull(fakes.github, { 'ok.jpg': 'ok', 'bad.jpg': 'bad' })
    fakes.dashscope.verdicts = [
      { match: /ok\.jpg$/, reply: () => pass('full') },
      { match: /bad\.jpg$/, reply: () => failCheck('Multiple persons detected') },
    ]
    const run = await runOnPull(fakes, payload, { gallery: 'out/gallery.html' })
    expect(run.exitCode).toBe(1)
    expect(run.outputs.gallery).toMatch(/\/out\/gallery\.html$/)
    expect(run.stdout).toMatch(
      /^Evidence gallery .*\/out\/gallery\.html: 2 image\(s\), 0 with a thumbnail\.$/m,
    )
    const [comment] = fakes.github.comments.get(7) ?? []
    expect(comment?.body).toContain('Evidence gallery: `out/gallery.html`')
    // The results output stays one short item per image: no evidence in it.
    expect(run.outputs.results).not.toContain('evidence')
  })
})
