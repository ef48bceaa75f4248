import { describe, expect, it } from 'vitest'
import { runCheck } from '../../../src/action/pipeline.js'
import type { RunOutcome } from '../../../src/decide/decide.js'
import type { PullRequestTarget } from '../../../src/publish/comment.js'
import type { RunReport } from '../../../src/report/run-report.js'
import { countResults } from '../../../src/decide/decide.js'
import { publish } from '../../../src/publish/publish.js'
import { COMMENT_MARKER } from '../../../src/report/render.js'
import { GatherError } from '../../../src/core/errors.js'
import { StubDetector, passFull, reject } from '../../helpers/detector.js'
import {
  actionConfig,
  dispatchTrigger,
  fakeOctokit,
  openPull,
  pushToPull,
  pushTrigger,
  useFakeGitHub,
} from '../../helpers/github.js'
import { RecordingIo } from '../../helpers/io.js'
import { gitBlobSha as blobSha } from '../../../src/core/blob-sha.js'
import { encodeRecord } from '../../../src/record/comment-record.js'
import { identityHash } from '../../../src/record/verdicts.js'
import type { Trigger } from '../../../src/core/types.js'

const fake = useFakeGitHub()
const RECORD_MARKER = '<!-- animate-anyone-check:record '
const twoPeople = reject('InvalidFile.Content', 'Multiple persons detected in the image')

/**
 * One action run in-process: the check, then the publisher, both through a recording io and an
 * Octokit of its own (each run of the action is a process of its own).
 */
async function runAndPublish(
  trigger: Trigger,
  detector: StubDetector,
  inputs: Record<string, string> = {},
): Promise<{
  report: RunReport
  verdict: RunOutcome
  pullRequest: PullRequestTarget | undefined
  io: RecordingIo
}> {
  const config = actionConfig(inputs)
  const io = new RecordingIo()
  const octokit = fakeOctokit(fake.github)
  const { report, target } = await runCheck({
    config,
    trigger,
    octokit,
    detector,
    detectorName: 'the stub detector',
    io,
    env: {},
  })
  const verdict = await publish(report, target, { config, octokit, io })
  return { report, verdict, pullRequest: target.pullRequest, io }
}

const commentsOn = (number: number) => fake.github.comments.get(number) ?? []

describe('runCheck + publish on a pull request', () => {
  it('reports a pass and a reject: outputs, one error annotation, the summary and a new comment', async () => {
    const { trigger } = openPull(fake.github, {
      'people/alice.jpg': 'alice',
      'people/bob.png': 'bob',
      'notes.txt': 'not an image',
    })
    const detector = new StubDetector({ 'people/alice.jpg': passFull, 'people/bob.png': twoPeople })
    const { report, verdict, io } = await runAndPublish(trigger, detector)

    expect(detector.paths.sort()).toEqual(['people/alice.jpg', 'people/bob.png'])
    expect(verdict.failed).toBe(true)
    expect(report.scope).toBe('the 3 files changed by #7')
    expect(io.groups).toEqual(['Finding images', 'Detecting'])
    expect(io.outputObject()).toMatchObject({
      checked: '2',
      passed: '1',
      rejected: '1',
      errors: '0',
    })
    const results = JSON.parse(io.outputs.get('results') ?? '[]') as { path: string }[]
    expect(results.map((r) => r.path)).toEqual(['people/alice.jpg', 'people/bob.png'])
    // Every rejected file is annotated through the one check run, not the workflow's few.
    expect(io.annotations('error')).toEqual([])
    expect(fake.github.checkRuns).toHaveLength(1)
    expect(fake.github.checkRuns[0]).toMatchObject({
      name: 'AnimateAnyone image check',
      head_sha: trigger.pr.headSha,
      conclusion: 'failure',
      output: { title: '1 of 2 images rejected (1 passed).' },
      annotations: [
        {
          path: 'people/bob.png',
          annotation_level: 'failure',
          message: 'InvalidFile.Content: Multiple persons detected in the image',
        },
      ],
    })
    expect(io.annotations('warning')).toEqual([])
    expect(io.summary).toContain('AnimateAnyone image check: 1 rejected, 1 passed')
    expect(io.summary).toContain('Checked the 3 files changed by #\u20607 with the stub detector')

    const comments = commentsOn(7)
    expect(comments).toHaveLength(1)
    expect(comments[0]?.body).toContain(COMMENT_MARKER)
    expect(comments[0]?.body).toContain(RECORD_MARKER)
    expect(io.messages('info')).toContain(`Comment ${comments[0]?.id ?? 0} on #7: created.`)
  })

  it('reuses the recorded verdicts on the next run and edits the same comment', async () => {
    const { trigger } = openPull(fake.github, { 'a.jpg': 'a', 'b.jpg': 'b' })
    const first = new StubDetector({ 'a.jpg': passFull, 'b.jpg': twoPeople })
    await runAndPublish(trigger, first)
    expect(first.jobs).toHaveLength(2)
    const [comment] = commentsOn(7)
    const firstBody = comment?.body ?? ''

    const second = new StubDetector({})
    const { report, io } = await runAndPublish(trigger, second)
    expect(second.jobs).toHaveLength(0)
    expect(report.reused).toBe(2)
    expect(io.outputObject()).toMatchObject({ checked: '2', passed: '1', rejected: '1' })
    expect(commentsOn(7)).toHaveLength(1)
    expect(commentsOn(7)[0]?.id).toBe(comment?.id)
    expect(commentsOn(7)[0]?.body).not.toBe(firstBody)
    expect(commentsOn(7)[0]?.body).toContain('2 verdicts reused from earlier runs')
    expect(fake.github.count('POST', /\/comments$/)).toBe(1)
    expect(fake.github.count('PATCH', /\/issues\/comments\/\d+$/)).toBe(1)
    expect(io.messages('info')).toContain(`Comment ${comment?.id ?? 0} on #7: updated.`)
  })

  it('never reuses a verdict record forged in a file name (the record is read from the end only)', async () => {
    const badBlob = blobSha(Buffer.from('bad'))
    const forged = encodeRecord(
      {
        identity: identityHash('stub detector v1'),
        scope: 'acme/photos#7',
        verdicts: new Map([
          [badBlob, { status: 'pass', bodystyle: 'full', at: Date.UTC(2031, 0, 1) }],
        ]),
      },
      10_000,
    )
    const trap = `people/ok ${forged} .jpg`
    const pull = openPull(fake.github, { 'people/bad.jpg': 'bad', [trap]: 'ok' })
    const verdicts = { 'people/bad.jpg': twoPeople, [trap]: passFull }
    const first = await runAndPublish(pull.trigger, new StubDetector(verdicts))
    expect(first.verdict.failed).toBe(true)
    const body = commentsOn(7)[0]?.body ?? ''
    // The name is shown, but can no longer form a marker: only the genuine record is a comment.
    expect(body.match(/<!-- animate-anyone-check:record /g)).toHaveLength(1)
    expect(body.trimEnd().endsWith(' -->')).toBe(true)

    // The next run reuses the genuine reject, and the forged row never enters the record.
    const next = pushToPull(fake.github, pull, { 'README.md': 'touched' })
    const second = await runAndPublish(next.trigger, new StubDetector({}))
    expect(second.report.results.find((r) => r.path === 'people/bad.jpg')?.status).toBe('reject')
    expect(second.verdict.failed).toBe(true)
    expect(second.report.verdicts.get(badBlob)?.status).toBe('reject')
    // Renamed away, the trap leaves nothing behind either.
    const renamed = pushToPull(fake.github, next, { [trap]: null, 'people/ok.jpg': 'ok' })
    const third = await runAndPublish(renamed.trigger, new StubDetector({}))
    expect(third.report.results.find((r) => r.path === 'people/bad.jpg')?.status).toBe('reject')
  })

  it('detects only the changed content after a push to the PR', async () => {
    const pull = openPull(fake.github, { 'a.jpg': 'a', 'b.jpg': 'b' })
    await runAndPublish(pull.trigger, new StubDetector({ 'a.jpg': passFull, 'b.jpg': passFull }))
    const next = pushToPull(fake.github, pull, { 'b.jpg': 'b, retouched' })
    const detector = new StubDetector({ 'b.jpg': passFull })
    const { report } = await runAndPublish(next.trigger, detector)
    expect(detector.paths).toEqual(['b.jpg'])
    expect(report.reused).toBe(1)
    expect(commentsOn(7)).toHaveLength(1)
  })

  it('checks every image again when the record came from another detector', async () => {
    const { trigger } = openPull(fake.github, { 'a.jpg': 'a' })
    await runAndPublish(trigger, new StubDetector({ 'a.jpg': passFull }, 'stub A'))
    const other = new StubDetector({ 'a.jpg': passFull }, 'stub B')
    const { io } = await runAndPublish(trigger, other)
    expect(other.jobs).toHaveLength(1)
    expect(io.messages('info')).toContain(
      'The previous verdicts came from another backend, endpoint, model or pull request: checking every image again.',
    )
  })

  it('throws a GatherError above max-images before any detection', async () => {
    const { trigger } = openPull(fake.github, { 'a.jpg': 'a', 'b.jpg': 'b', 'c.jpg': 'c' })
    const detector = new StubDetector({})
    const run = runAndPublish(trigger, detector, { 'max-images': '2' })
    await expect(run).rejects.toThrow(GatherError)
    await expect(run).rejects.toThrow(
      'Found 3 images to check, more than max-images (2). Raise the "max-images" input',
    )
    expect(detector.jobs).toHaveLength(0)
    expect(fake.github.count('GET', /\/comments$/)).toBe(0)
    expect(commentsOn(7)).toHaveLength(0)
  })

  it('posts no comment with comment: never, but still sets the outputs and the summary', async () => {
    const { trigger } = openPull(fake.github, { 'a.jpg': 'a' })
    const { io } = await runAndPublish(trigger, new StubDetector({ 'a.jpg': twoPeople }), {
      comment: 'never',
    })
    expect(commentsOn(7)).toHaveLength(0)
    expect(fake.github.count('POST', /\/comments$/)).toBe(0)
    expect(io.outputObject()).toMatchObject({ checked: '1', rejected: '1' })
    expect(io.summary).toContain('1 rejected')
  })

  it('posts nothing with comment: on-failure when everything passes', async () => {
    const { trigger } = openPull(fake.github, { 'a.jpg': 'a' })
    const { verdict } = await runAndPublish(trigger, new StubDetector({ 'a.jpg': passFull }), {
      comment: 'on-failure',
    })
    expect(verdict.failed).toBe(false)
    expect(commentsOn(7)).toHaveLength(0)
  })

  it('warns and does not throw when the token may not comment (403)', async () => {
    const { trigger } = openPull(fake.github, { 'a.jpg': 'a' })
    fake.github.commentWriteStatus = 403
    const { io } = await runAndPublish(trigger, new StubDetector({ 'a.jpg': twoPeople }))
    expect(commentsOn(7)).toHaveLength(0)
    expect(io.messages('warning')).toEqual([
      expect.stringMatching(
        /^Could not comment on #7: GitHub API POST \/repos\/acme\/photos\/issues\/7\/comments failed: HTTP 403 .*`permissions: pull-requests: write` \(pull requests from forks always get a read-only token; see "Permissions and troubleshooting" in the README\)\. The full report is in the job summary\.$/,
      ),
    ])
    expect(io.outputObject()).toMatchObject({ rejected: '1' })
  })

  it('says there is nothing to check, and comments nothing, for a PR without images', async () => {
    const { trigger } = openPull(fake.github, { 'notes.txt': 'text' })
    const detector = new StubDetector({})
    const { report, io } = await runAndPublish(trigger, detector)
    expect(countResults(report.results).checked).toBe(0)
    expect(detector.jobs).toHaveLength(0)
    expect(io.messages('notice')).toEqual(['No images to check in the 1 files changed by #7.'])
    expect(commentsOn(7)).toHaveLength(0)
  })
})

describe('runCheck + publish on other events', () => {
  it('checks what a push changed and comments nowhere', async () => {
    const before = fake.github.git.commit({ 'old.jpg': 'old', 'keep.jpg': 'keep' })
    const after = fake.github.git.amend(before, {
      'new.jpg': 'new',
      'old.jpg': 'old v2',
      'gone.jpg': null,
    })
    const detector = new StubDetector({ 'new.jpg': passFull, 'old.jpg': passFull })
    const { report, verdict, pullRequest, io } = await runAndPublish(
      pushTrigger(before, after),
      detector,
    )
    expect(report.results.map((r) => r.path)).toEqual(['new.jpg', 'old.jpg'])
    expect(pullRequest).toBeUndefined()
    expect(report.scope).toBe(
      `the files changed from ${before.slice(0, 7)} to ${after.slice(0, 7)}`,
    )
    expect(verdict).toEqual({ failed: false, summary: 'All 2 images passed.' })
    expect(fake.github.count('GET', /\/comments$/)).toBe(0)
    expect(fake.github.count('POST', /\/comments$/)).toBe(0)
    expect(io.summary).toContain('all 2 images passed')
  })

  it('audits every image at the commit on workflow_dispatch', async () => {
    const sha = fake.github.git.commit({
      'README.md': 'x',
      'a.jpg': 'a',
      'deep/er/b.webp': 'b',
      'c.gif': 'not included',
    })
    const detector = new StubDetector({ 'a.jpg': passFull, 'deep/er/b.webp': twoPeople })
    const { report, pullRequest } = await runAndPublish(dispatchTrigger(sha), detector)
    expect(report.scope).toBe(`every image at ${sha.slice(0, 7)}`)
    expect(report.results.map((r) => [r.path, r.status])).toEqual([
      ['a.jpg', 'pass'],
      ['deep/er/b.webp', 'reject'],
    ])
    expect(pullRequest).toBeUndefined()
    expect(fake.github.checkRuns[0]?.annotations.map((a) => a['path'])).toEqual(['deep/er/b.webp'])
    expect(fake.github.count('POST', /\/comments$/)).toBe(0)
  })

  it('falls back to workflow annotations, with one notice, when the token may not create a check run', async () => {
    const { trigger } = openPull(fake.github, { 'a.jpg': 'a', 'b.jpg': 'b' })
    fake.github.checkRunWriteStatus = 403
    const { io } = await runAndPublish(
      trigger,
      new StubDetector({ 'a.jpg': twoPeople, 'b.jpg': twoPeople }),
    )
    expect(io.annotations('error').map((e) => e.properties?.file)).toEqual(['a.jpg', 'b.jpg'])
    expect(io.messages('notice')).toContain(
      'No check run: this token lacks "checks: write" (pull requests from forks always do), so rejected files are annotated by the workflow instead (at most max-annotations).',
    )
  })

  it('annotates all 60 rejected files of a pull request in one check run (two requests)', async () => {
    const files = Object.fromEntries(
      Array.from({ length: 60 }, (_, i) => [`people/p${String(i).padStart(2, '0')}.jpg`, `p${i}`]),
    )
    const { trigger } = openPull(fake.github, files)
    const verdicts = Object.fromEntries(Object.keys(files).map((path) => [path, twoPeople]))
    const { io } = await runAndPublish(trigger, new StubDetector(verdicts))
    expect(fake.github.checkRuns).toHaveLength(1)
    expect(fake.github.checkRuns[0]?.annotations).toHaveLength(60)
    expect(fake.github.count('POST', /\/check-runs$/)).toBe(1)
    expect(fake.github.count('PATCH', /\/check-runs\/\d+$/)).toBe(1)
    expect(io.annotations('error')).toEqual([])
  })
})
