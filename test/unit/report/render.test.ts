import { describe, expect, it } from 'vitest'
import {
  COMMENT_LIMIT,
  COMMENT_MARKER,
  escapeText,
  renderReport,
  type ReportContext,
} from '../../../src/report/render.js'
import { countResults, toResult, type ImageResult } from '../../../src/detect/results.js'

const context = (results: ImageResult[], extra: Partial<ReportContext> = {}): ReportContext => ({
  counts: countResults(results),
  failed: results.some((r) => r.status !== 'pass'),
  scope: 'the files changed by #7',
  detector: 'DashScope animate-anyone-detect-gen2',
  sha: '0123456789abcdef',
  reused: 0,
  skipped: [],
  fullListHint: 'see the job summary',
  ...extra,
})

describe('escapeText', () => {
  it('leaves letters, digits, spaces and slashes, encodes the rest', () => {
    expect(escapeText('a/b c.jpg')).toBe('a/b c&#46;jpg')
    expect(escapeText('<>|*_[]()`@#!-.')).toBe(
      Array.from('<>|*_[]()`@#!-.', (c) => c)
        .map((c) => `&#${c.charCodeAt(0)};`)
        .join(''),
    )
    expect(escapeText('café 写真')).toBe('café 写真')
  })
  it('keeps a newline from ending a table row, and shows it', () => {
    expect(escapeText('a\nb')).toBe('a&#92;nb')
  })
  it('shows bidi overrides instead of letting them reorder a name', () => {
    const spoof = 'photo\u202egpj.exe'
    expect(escapeText(spoof)).not.toContain('\u202e')
    expect(escapeText(spoof)).toBe('photo&#92;u202egpj&#46;exe')
  })
  it('caps a field at 500 characters with an ellipsis', () => {
    const shown = escapeText('x'.repeat(100_000))
    expect(shown).toBe(`${'x'.repeat(499)}&#8230;`)
  })
})

describe('renderReport', () => {
  const results = [
    toResult('ok.jpg', 'https://x/ok.jpg', { status: 'pass', bodystyle: 'full' }),
    toResult('bad.jpg', 'https://x/bad.jpg', {
      status: 'reject',
      code: 'InvalidFile.BodyPose',
      message: 'sitting',
    }),
    toResult('err.jpg', 'https://x/err.jpg', {
      status: 'error',
      code: 'Timeout',
      message: 'no answer within 30 s',
    }),
  ]

  it('shows counts, rejections with explanation and fix, errors, and passes folded', () => {
    const body = renderReport(results, context(results), COMMENT_LIMIT)
    expect(body.startsWith(COMMENT_MARKER)).toBe(true)
    expect(body).toContain(
      '### ❌ AnimateAnyone image check: 1 rejected, 1 not checked (error), 1 passed',
    )
    expect(body).toContain('| 3 | 1 | 1 | 1 |')
    expect(body).toMatch(/<img src="https:\/\/x\/bad\.jpg"/)
    expect(body).toContain('Reshoot standing upright')
    expect(body).toContain('#### Could not be checked')
    expect(body).toMatch(/<details>\n<summary>Passed \(1\)<\/summary>/)
  })

  it('stays under the limit with thousands of images and says what it left out', () => {
    const many = Array.from({ length: 5000 }, (_, i) =>
      toResult(
        `photos/${'long-name-'.repeat(5)}${i}.jpg`,
        `https://raw.githubusercontent.com/o/r/sha/photos/${i}.jpg`,
        {
          status: i % 2 === 0 ? 'reject' : 'pass',
          code: 'InvalidFile.Content',
          message: 'Multiple persons detected',
        },
      ),
    )
    const body = renderReport(many, context(many), 40_000)
    expect(body.length).toBeLessThanOrEqual(40_000)
    expect(body).toMatch(/_…and \d+ more rejected images not shown here: see the job summary\._/)
    expect(body).toMatch(/_…and \d+ more passed images not shown here/)
  })

  it('says so when nothing was checked', () => {
    expect(renderReport([], context([]), COMMENT_LIMIT)).toContain('no images to check')
  })

  it('notes reused verdicts and skipped paths', () => {
    const body = renderReport(
      results.slice(0, 1),
      context(results.slice(0, 1), {
        reused: 1,
        skipped: [{ path: 'link.jpg', reason: 'symbolic link' }],
      }),
      COMMENT_LIMIT,
    )
    expect(body).toContain('1 verdict reused from earlier runs')
    expect(body).toContain('<summary>Skipped (1)</summary>')
  })
})
