import { describe, expect, it } from 'vitest'
import type { ImageResult } from '../../../src/decide/decide.js'
import {
  CHECK_RUN_LIMITS,
  CheckRunError,
  capSummary,
  checkRunAnnotations,
  checkRunConclusion,
  publishCheckRun,
  type CheckRunRequest,
} from '../../../src/publish/check-run.js'
import { REPO, useFakeGitHub } from '../../helpers/github.js'

const HEAD = 'a'.repeat(40)

function result(
  path: string,
  status: ImageResult['status'],
  code: string | null = null,
): ImageResult {
  return {
    path,
    url: `https://example.com/${path}`,
    status,
    bodystyle: status === 'pass' ? 'full' : null,
    code,
    message: status === 'pass' ? null : `Why ${path} was not passed.`,
    requestId: null,
    sha: null,
  }
}

const rejected = (n: number) =>
  Array.from({ length: n }, (_, i) => result(`photos/${i}.jpg`, 'reject', 'InvalidFile.BodyPose'))

function request(results: ImageResult[], changes: Partial<CheckRunRequest> = {}): CheckRunRequest {
  return {
    repo: REPO,
    headSha: HEAD,
    results,
    summary: '### AnimateAnyone image check\n\nthe report',
    title: `${results.length} images rejected`,
    conclusion: 'failure',
    mode: 'auto',
    ...changes,
  }
}

describe('publishCheckRun', () => {
  const context = useFakeGitHub()

  it('annotates 60 rejected photos in two requests: a create with 50, then one update with 10', async () => {
    const results = [...rejected(60), result('ok.jpg', 'pass')]
    const outcome = await publishCheckRun(context.octokit, request(results))
    expect(outcome).toMatchObject({ kind: 'created', annotations: 60, requests: 2 })
    const { github } = context
    expect(github.count('POST', /\/check-runs$/)).toBe(1)
    expect(github.count('PATCH', /\/check-runs\/\d+$/)).toBe(1)
    expect(github.requests.filter((r) => r.path.includes('check-runs'))).toHaveLength(2)
    const [run] = github.checkRuns
    expect(run).toMatchObject({
      name: 'AnimateAnyone image check',
      head_sha: HEAD,
      status: 'completed',
      conclusion: 'failure',
      output: { title: '61 images rejected' },
    })
    expect(run?.annotations.map((a) => a.path)).toEqual(results.slice(0, 60).map((r) => r.path))
    expect(run?.annotations[0]).toEqual({
      path: 'photos/0.jpg',
      start_line: 1,
      end_line: 1,
      annotation_level: 'failure',
      title: 'Rejected by the AnimateAnyone check: InvalidFile.BodyPose',
      message: 'InvalidFile.BodyPose: Why photos/0.jpg was not passed.',
    })
  })

  it('sends one request when everything fits, and names the run after the comment key', async () => {
    const outcome = await publishCheckRun(
      context.octokit,
      request([result('a.jpg', 'error', 'ServiceUnavailable')], {
        commentKey: 'portraits',
        conclusion: 'neutral',
      }),
    )
    expect(outcome).toMatchObject({ kind: 'created', requests: 1, annotations: 1 })
    expect(context.github.checkRuns[0]).toMatchObject({
      name: 'AnimateAnyone image check (portraits)',
      conclusion: 'neutral',
      annotations: [{ path: 'a.jpg', annotation_level: 'warning' }],
    })
  })

  it('with auto, a 403 (no checks: write) is a fallback with one notice', async () => {
    context.github.checkRunWriteStatus = 403
    const outcome = await publishCheckRun(context.octokit, request(rejected(3)))
    expect(outcome).toEqual({
      kind: 'fallback',
      annotated: 0,
      notice: expect.stringMatching(/checks: write/) as unknown,
    })
    expect(context.github.checkRuns).toHaveLength(0)
  })

  it('with true, a 403 is an error naming checks: write', async () => {
    context.github.checkRunWriteStatus = 403
    const publishing = publishCheckRun(context.octokit, request(rejected(3), { mode: 'true' }))
    await expect(publishing).rejects.toThrow(CheckRunError)
    await expect(publishing).rejects.toThrow(/"checks: write"/)
  })

  it('with false, sends nothing', async () => {
    const outcome = await publishCheckRun(context.octokit, request(rejected(3), { mode: 'false' }))
    expect(outcome).toEqual({ kind: 'off' })
    expect(context.github.requests).toHaveLength(0)
  })

  it('cuts the summary to 65,535 characters', async () => {
    await publishCheckRun(context.octokit, request(rejected(1), { summary: 'x'.repeat(70_000) }))
    const summary = context.github.checkRuns[0]?.output.summary ?? ''
    expect(summary.length).toBe(CHECK_RUN_LIMITS.summaryChars)
    expect(summary).toMatch(/job summary has the full report\)$/)
  })

  it('never cuts a character in two', () => {
    // Two UTF-16 units each: some of these cuts fall between the two halves of one.
    const emoji = '\u{1F4F7}'
    for (const pad of [0, 1, 2, 3]) {
      const summary = capSummary('x'.repeat(65_400 + pad) + emoji.repeat(200))
      expect(summary.length).toBeLessThanOrEqual(CHECK_RUN_LIMITS.summaryChars)
      expect(summary).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/)
    }
  })
})

describe('checkRunAnnotations', () => {
  it('makes hostile text one capped line: no newlines, title ≤ 255, message ≤ 64 KB', () => {
    const hostile: ImageResult = {
      ...result('a.jpg', 'reject', `Code\n::error::${'c'.repeat(400)}`),
      message: `line\r\nbreak ${'é'.repeat(70_000)}`,
    }
    const [annotation] = checkRunAnnotations([hostile])
    expect(annotation?.title.length).toBeLessThanOrEqual(255)
    expect(annotation?.title).not.toMatch(/\n/)
    expect(annotation?.message).not.toMatch(/[\r\n]/)
    expect(Buffer.byteLength(annotation?.message ?? '', 'utf8')).toBeLessThanOrEqual(64 * 1024)
  })

  it('annotates rejections first, then errors; never passes or accepted ones', () => {
    const annotations = checkRunAnnotations([
      result('e.jpg', 'error', 'Timeout'),
      result('p.jpg', 'pass'),
      result('x.jpg', 'accepted', 'InvalidFile.FacePose'),
      result('r.jpg', 'reject', 'InvalidFile.FacePose'),
    ])
    expect(annotations.map((a) => [a.path, a.annotation_level])).toEqual([
      ['r.jpg', 'failure'],
      ['e.jpg', 'warning'],
    ])
  })
})

describe('checkRunConclusion', () => {
  it('is failure when the check fails, neutral for unfailing problems or nothing, else success', () => {
    expect(checkRunConclusion(true, { checked: 3, rejected: 1, errors: 0 })).toBe('failure')
    expect(checkRunConclusion(false, { checked: 3, rejected: 0, errors: 1 })).toBe('neutral')
    expect(checkRunConclusion(false, { checked: 0, rejected: 0, errors: 0 })).toBe('neutral')
    expect(checkRunConclusion(false, { checked: 3, rejected: 0, errors: 0 })).toBe('success')
  })
})
