import { describe, expect, it } from 'vitest'
import {
  COMMENT_LIMIT,
  COMMENT_MARKER,
  commentMarker,
  countBytes,
  renderReport,
  renderReportWithOmissions,
  type ReportContext,
} from '../../../src/report/render.js'
import { sanitizeCommentKey } from '../../../src/config/config.js'
import { reportLinks, serverUrl } from '../../../src/report/links.js'
import { countResults, toResult, type ImageResult } from '../../../src/decide/decide.js'
import { codeSpan, escapeText } from '../../../src/report/markdown.js'
import { explain } from '../../../src/report/explain.js'

const HEAD = '0123456789abcdef0123456789abcdef01234567'
const BLOB = 'b10bb10bb10bb10bb10bb10bb10bb10bb10bb10b'
const JOINER = '\u2060'

const context = (results: ImageResult[], extra: Partial<ReportContext> = {}): ReportContext => ({
  counts: countResults(results),
  failed: results.some((r) => r.status !== 'pass'),
  scope: 'the files changed by #7',
  detector: 'DashScope animate-anyone-detect-gen2',
  sha: HEAD,
  reused: 0,
  skipped: [],
  fullListHint: 'see the job summary',
  ...extra,
})

const links = reportLinks(
  { owner: 'acme', repo: 'photos' },
  {
    GITHUB_SERVER_URL: 'https://ghe.example.com/',
    GITHUB_REPOSITORY: 'acme/photos',
    GITHUB_RUN_ID: '42',
    GITHUB_RUN_ATTEMPT: '1',
  },
)

describe('escapeText', () => {
  it('leaves ordinary text exactly as written', () => {
    expect(escapeText('The body is turned sideways.')).toBe('The body is turned sideways.')
    expect(escapeText('side-view.jpg (2), 4608x3456 px; café 写真')).toBe(
      'side-view.jpg (2), 4608x3456 px; café 写真',
    )
    expect(escapeText('side_view_front')).toBe('side_view_front')
  })
  it('writes <, > and & as entities, so no HTML is ever parsed', () => {
    expect(escapeText('<img src=x onerror=alert(1)> & <script>')).toBe(
      '&lt;img src=x onerror=alert(1)&gt; &amp; &lt;script&gt;',
    )
  })
  it('escapes the Markdown that could format, link or end a table cell', () => {
    expect(escapeText('**bold** _em_ `code` ~~gone~~ | $x$ \\')).toBe(
      '\\*\\*bold\\*\\* \\_em\\_ \\`code\\` \\~\\~gone\\~\\~ \\| \\$x\\$ \\\\',
    )
    expect(escapeText('[link](javascript:alert(1))')).toBe('\\[link\\](javascript:alert(1))')
    expect(escapeText('![x](http://evil/x.png)')).toBe(`!\\[x\\](http:${JOINER}//evil/x.png)`)
  })
  it('mentions, notifies and references no one', () => {
    expect(escapeText('@admin @acme/team a@b.com')).toBe(
      `@${JOINER}admin @${JOINER}acme/team a@${JOINER}b.com`,
    )
    expect(escapeText('fixes #123 and acme/photos#4, GH-5')).toBe(
      `fixes #${JOINER}123 and acme/photos#${JOINER}4, GH-${JOINER}5`,
    )
    expect(escapeText('see https://evil.example and www.evil.example')).toBe(
      `see https:${JOINER}//evil.example and www${JOINER}.evil.example`,
    )
  })
  it('shows newlines and bidi overrides instead of letting them act', () => {
    expect(escapeText('a\nb')).toBe('a\\\\nb')
    expect(escapeText('photo\u202egpj.exe')).toBe('photo\\\\u202egpj.exe')
  })
  it('caps a field at 500 characters with an ellipsis', () => {
    expect(escapeText('x'.repeat(100_000))).toBe(`${'x'.repeat(499)}…`)
  })
})

describe('codeSpan', () => {
  it('wraps text in single backticks when it holds none', () => {
    expect(codeSpan('characters/bob/side-view.jpg')).toBe('`characters/bob/side-view.jpg`')
    expect(codeSpan('<img src=x onerror=alert(1)> @admin #1 [l](javascript:x)')).toBe(
      '`<img src=x onerror=alert(1)> @admin #1 [l](javascript:x)`',
    )
  })
  it('uses a fence longer than any backtick run inside (CommonMark)', () => {
    expect(codeSpan('a`b')).toBe('``a`b``')
    expect(codeSpan('a```b`c')).toBe('````a```b`c````')
  })
  it('pads with spaces where the text starts or ends with a backtick or a space', () => {
    expect(codeSpan('`tick`')).toBe('`` `tick` ``')
    expect(codeSpan(' spaced ')).toBe('`  spaced  `')
    expect(codeSpan('')).toBe('` `')
  })
  it('escapes | inside a table cell only', () => {
    expect(codeSpan('a|b.jpg', true)).toBe('`a\\|b.jpg`')
    expect(codeSpan('a|b.jpg')).toBe('`a|b.jpg`')
  })
  it('shows hidden characters and caps the length', () => {
    expect(codeSpan('photo\u202egpj.exe')).toBe('`photo\\u202egpj.exe`')
    expect(codeSpan('a\nb')).toBe('`a\\nb`')
    expect(codeSpan('x'.repeat(1000))).toBe(`\`${'x'.repeat(499)}…\``)
  })
})

describe('comment markers', () => {
  it('is the plain marker without a key', () => {
    expect(commentMarker()).toBe(COMMENT_MARKER)
    expect(commentMarker('  ')).toBe(COMMENT_MARKER)
  })
  it('adds a sanitised key', () => {
    expect(commentMarker('photos.full_body-1')).toBe(
      '<!-- animate-anyone-check photos.full_body-1 -->',
    )
    expect(sanitizeCommentKey('a b/--> <x>')).toBe('a-b-x')
    expect(sanitizeCommentKey('x'.repeat(100))).toHaveLength(64)
    expect(commentMarker('-->')).toBe(COMMENT_MARKER)
  })
})

describe('report links', () => {
  it('takes GITHUB_SERVER_URL, never a fixed github.com', () => {
    expect(links.server).toBe('https://ghe.example.com')
    expect(links.runUrl).toBe('https://ghe.example.com/acme/photos/actions/runs/42')
    expect(serverUrl({})).toBe('https://github.com')
    expect(serverUrl({ GITHUB_SERVER_URL: 'javascript:alert(1)' })).toBe('https://github.com')
  })
  it('links a re-run attempt to its own page', () => {
    const again = reportLinks(
      { owner: 'fork', repo: 'photos' },
      { GITHUB_REPOSITORY: 'acme/photos', GITHUB_RUN_ID: '42', GITHUB_RUN_ATTEMPT: '3' },
    )
    expect(again.runUrl).toBe('https://github.com/acme/photos/actions/runs/42/attempts/3')
    expect(reportLinks({ owner: 'a', repo: 'b' }, {}).runUrl).toBeUndefined()
  })
})

describe('renderReport', () => {
  const results = [
    toResult('ok.jpg', 'https://x/ok.jpg', { status: 'pass', bodystyle: 'full' }, BLOB),
    toResult(
      'people/bad one.jpg',
      'https://x/bad.jpg',
      { status: 'reject', code: 'InvalidFile.BodyPose', message: 'sitting' },
      BLOB,
    ),
    toResult('err.jpg', 'https://x/err.jpg', {
      status: 'error',
      code: 'Timeout',
      message: 'no answer within 30 s',
    }),
  ]

  it('shows counts, rejections with explanation and fix, errors, and passes folded', () => {
    const body = renderReport(results, context(results), COMMENT_LIMIT)
    expect(body.startsWith(`${COMMENT_MARKER}\n`)).toBe(true)
    expect(body).toContain(
      '### ❌ AnimateAnyone image check: 1 rejected, 1 not checked (error), 1 passed',
    )
    expect(body).toContain('| 3 | 1 | 1 | 1 |')
    expect(body).toContain('Reshoot standing upright')
    expect(body).toContain('#### ⚠️ Could not be checked · 1 image')
    // Without repository links a fetched image links to its own URL.
    expect(body).toContain('| [`err.jpg`](https://x/err.jpg) | `Timeout` | no answer within 30 s |')
    expect(body).toMatch(/<details>\n<summary>Passed \(1\)<\/summary>/)
    expect(body).toContain('- `ok.jpg` — full body')
    expect(body).not.toContain('&#')
  })

  it('groups rejections by code: the explanation once, then one compact row each', () => {
    const many = [
      ...['a.jpg', 'b.jpg', 'c.jpg'].map((path) =>
        toResult(path, `https://x/${path}`, {
          status: 'reject',
          code: 'InvalidFile.BodyPose',
          message: `${path} is sitting`,
        }),
      ),
      toResult('d.jpg', 'https://x/d.jpg', {
        status: 'reject',
        code: 'InvalidFile.Content',
        message: 'Multiple persons detected.',
      }),
    ]
    const body = renderReport(many, context(many), COMMENT_LIMIT)
    expect(body.split('Reshoot standing upright')).toHaveLength(2)
    expect(body.split('one person alone is in the frame')).toHaveLength(2)
    const bodyPose = body.indexOf('#### ❌ `InvalidFile.BodyPose` · 3 images')
    const content = body.indexOf('#### ❌ `InvalidFile.Content` · 1 image')
    expect(bodyPose).toBeGreaterThan(0)
    // The largest group first.
    expect(content).toBeGreaterThan(bodyPose)
    for (const path of ['a.jpg', 'b.jpg', 'c.jpg']) {
      const row = body.split('\n').find((line) => line.includes(`${path} is sitting`)) ?? ''
      expect(row).toMatch(/^\| .+ \| .+ \| — \|$/)
      expect(body.indexOf(row)).toBeGreaterThan(bodyPose)
      expect(body.indexOf(row)).toBeLessThan(content)
    }
  })

  it('links each file and thumbnail on the GitHub server at the head commit, with its blob SHA', () => {
    const body = renderReport(results, context(results, { links }), COMMENT_LIMIT)
    const page = `https://ghe.example.com/acme/photos/blob/${HEAD}/people/bad%20one.jpg`
    const row = body.split('\n').find((line) => line.includes('bad one.jpg')) ?? ''
    expect(row).toBe(
      `| [<img src="${page}?raw=true" height="100" alt=""><br>\`people/bad one.jpg\`](${page}) | sitting | \`${BLOB}\` |`,
    )
    // Each URL once per row.
    expect(row.split(`${page})`)).toHaveLength(2)
    expect(row.split(`${page}?raw=true`)).toHaveLength(2)
    expect(body).not.toContain('https://github.com')
    expect(body).toContain(
      `| [\`err.jpg\`](https://ghe.example.com/acme/photos/blob/${HEAD}/err.jpg) | \`Timeout\` |`,
    )
    expect(body).toContain('[Workflow run](https://ghe.example.com/acme/photos/actions/runs/42)')
    expect(body).toContain(`[\`0123456\`](https://ghe.example.com/acme/photos/commit/${HEAD})`)
  })

  it('keeps hostile file names and service text inert, each row one table row', () => {
    const hostile = toResult(
      'x/<img src=x onerror=alert(1)> | **b** [l](javascript:alert(1)) @admin #1 `t`.jpg',
      'https://x/h.jpg',
      {
        status: 'reject',
        code: 'InvalidFile.Content',
        message: '<script>alert(1)</script> | @team #2 [c](javascript:x) \u202eevil',
      },
      BLOB,
    )
    const body = renderReport([hostile], context([hostile], { links }), COMMENT_LIMIT)
    const row = body.split('\n').find((line) => line.startsWith('| [<img')) ?? ''
    expect(row).toContain(
      '``x/<img src=x onerror=alert(1)> \\| **b** [l](javascript:alert(1)) @admin #1 `t`.jpg``',
    )
    expect(row).toContain(
      `&lt;script&gt;alert(1)&lt;/script&gt; \\| @${JOINER}team #${JOINER}2 \\[c\\](javascript:x) \\\\u202eevil`,
    )
    // Three cells: the pipes of the name and the message are escaped.
    expect(row.split(/(?<!\\)\|/).slice(1, -1)).toHaveLength(3)
    expect(body).not.toContain('\u202e')
    expect(body).not.toMatch(/<script/)
  })

  it('lists accepted images in their own section', () => {
    const accepted = {
      ...toResult('kept.jpg', 'https://x/kept.jpg', {
        status: 'reject',
        code: 'InvalidFile.FacePose',
        message: 'The face is turned.',
      }),
      status: 'accepted' as const,
      sha: BLOB,
    }
    const all = [results[0], accepted].filter((r) => r !== undefined)
    const body = renderReport(all, context(all, { failed: false }), COMMENT_LIMIT)
    expect(body).toContain('### ✅ AnimateAnyone image check: 1 passed, 1 accepted')
    expect(body).toContain('| Checked | Passed | Rejected | Accepted | Errors |')
    expect(body).toContain('#### ☑️ Accepted · 1 image')
    expect(body).toContain(
      `| [\`kept.jpg\`](https://x/kept.jpg) | \`InvalidFile.FacePose\` | The face is turned. | \`${BLOB}\` |`,
    )
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
        BLOB,
      ),
    )
    const body = renderReport(many, context(many, { links }), 40_000)
    expect(body.length).toBeLessThanOrEqual(40_000)
    expect(body).toMatch(
      /_…and \d+ more `InvalidFile\.Content` rejections not shown here: see the job summary\._/,
    )
    expect(body).toMatch(/_…and \d+ more passed images not shown here/)
  })

  it('says so when nothing was checked', () => {
    expect(renderReport([], context([]), COMMENT_LIMIT)).toContain('no images to check')
  })

  it('starts with the keyed marker', () => {
    const body = renderReport(results, context(results, { commentKey: 'full body' }), COMMENT_LIMIT)
    expect(body.startsWith('<!-- animate-anyone-check full-body -->\n')).toBe(true)
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
    expect(body).toContain('- `link.jpg` — symbolic link')
  })
})

describe('the job summary limit', () => {
  const rejected = (path: string, message: string) =>
    toResult(path, `https://x/${path}`, { status: 'reject', code: 'InvalidFile.Content', message })

  it('counts bytes as GitHub does, and says how many rows it left out', () => {
    // Three bytes per character: a character count would let this report grow to thrice the limit.
    const many = Array.from({ length: 400 }, (_, i) => rejected(`写真/${i}.jpg`, '写'.repeat(300)))
    const { markdown, omitted } = renderReportWithOmissions(many, context(many), 60_000, countBytes)
    expect(Buffer.byteLength(markdown, 'utf8')).toBeLessThanOrEqual(60_000)
    expect(omitted).toBeGreaterThan(0)
    expect(markdown).toContain(`${omitted} more`)
  })

  it('never lets one huge service reason hide the rows after it', () => {
    const results = [
      rejected('a.jpg', 'x'.repeat(1_000_000)),
      rejected('b.jpg', 'short reason'),
      rejected('c.jpg', 'another short reason'),
    ]
    const { markdown, omitted } = renderReportWithOmissions(
      results,
      context(results),
      20_000,
      countBytes,
    )
    expect(omitted).toBe(0)
    for (const path of ['a.jpg', 'b.jpg', 'c.jpg']) expect(markdown).toContain(path)
    // The reason is capped at 500 characters with an ellipsis.
    expect(markdown).toContain(`${'x'.repeat(499)}…`)
    expect(markdown).not.toContain('x'.repeat(501))
  })
})

describe('links to URLs from a results file (aa-check merge)', () => {
  it('never lets a URL end its link, start a line, or carry markup or a record', () => {
    const hostile =
      'https://x.example/a.jpg)\n## Fake heading\n<!-- animate-anyone-check:record AAAA -->\n[x](javascript:alert(1))'
    const result = {
      ...toResult('a.jpg', hostile, { status: 'reject', code: 'InvalidURL' }),
      sha: BLOB,
    }
    const markdown = renderReport(
      [result],
      context([result], { links: undefined, sha: 'local' }),
      65_536,
    )
    expect(markdown).not.toMatch(/^## Fake/m)
    expect(markdown).not.toContain('<!-- animate-anyone-check:record')
    expect(markdown).not.toContain('javascript:alert(1))')
    expect(markdown).toContain('](https://x.example/a.jpg%29##%20Fake%20heading%3C!--')
  })

  it('links nothing for a URL that is not http(s)', () => {
    const result = toResult('a.jpg', 'javascript:alert(1)', { status: 'pass' })
    const markdown = renderReport(
      [result],
      context([result], { links: undefined, sha: 'local' }),
      65_536,
    )
    expect(markdown).not.toContain('javascript:')
  })
})

describe('explain', () => {
  it('never reads a code as an inherited property (constructor, __proto__, toString)', () => {
    for (const code of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      const { why, fix } = explain(code)
      expect(typeof why === 'string' && typeof fix === 'string').toBe(true)
      expect(why).toBe(explain('CheckFailed').why)
    }
  })
})
