import { describe, expect, it } from 'vitest'
import { apiError, failCheck, pass } from '../fakes/dashscope.js'
import { blobSha } from '../fakes/git.js'
import { API_KEY, openPull as open, runOnPull, useFakes } from './setup.js'

const fakes = useFakes()
const openPull = (files: Record<string, string>, options: { fork?: string } = {}) =>
  open(fakes.github, files, options)
const run = (payload: object, inputs: Record<string, string> = {}) =>
  runOnPull(fakes, payload, inputs)

describe('pull_request', () => {
  it('checks the changed images, comments once and fails on a rejection', async () => {
    const { payload, head } = openPull({
      'people/alice.jpg': 'alice',
      'people/bob.PNG': 'bob',
      'people/carol.webp': 'carol',
      'people/dave.jpeg': 'dave',
      'notes.txt': 'not an image',
    })
    fakes.dashscope.verdicts = [
      { match: /alice\.jpg$/, reply: () => pass('full') },
      { match: /bob\.PNG$/, reply: () => failCheck('Multiple persons detected in the image') },
      {
        match: /carol\.webp$/,
        reply: () => apiError(400, 'InvalidFile.FacePose', 'The face is turned away.'),
      },
      { match: /dave\.jpeg$/, reply: () => apiError(500, 'InternalError', 'oops') },
    ]
    const result = await run(payload, { 'max-retries': '0' })

    expect(result.exitCode).toBe(1)
    expect(result.outputs).toMatchObject({ checked: '4', passed: '1', rejected: '2', errors: '1' })
    const results = JSON.parse(result.outputs.results ?? '[]') as Record<string, unknown>[]
    expect(results).toEqual([
      {
        path: 'people/alice.jpg',
        url: `https://raw.githubusercontent.com/acme/photos/${head}/people/alice.jpg`,
        status: 'pass',
        bodystyle: 'full',
        code: null,
        message: null,
        requestId: expect.stringMatching(/^req-/) as unknown,
        sha: blobSha(Buffer.from('alice')),
      },
      expect.objectContaining({
        path: 'people/bob.PNG',
        status: 'reject',
        code: 'InvalidFile.Content',
        message: 'Multiple persons detected in the image',
      }),
      expect.objectContaining({
        path: 'people/carol.webp',
        status: 'reject',
        code: 'InvalidFile.FacePose',
      }),
      expect.objectContaining({ path: 'people/dave.jpeg', status: 'error', code: 'ServiceError' }),
    ])
    // Exactly the four images, with the documented request.
    expect(fakes.dashscope.calls).toHaveLength(4)
    expect(fakes.dashscope.calls[0]?.authorization).toBe(`Bearer ${API_KEY}`)
    // Every rejected file is annotated through the one check run on the head commit.
    expect(fakes.github.checkRuns).toHaveLength(1)
    expect(fakes.github.checkRuns[0]?.conclusion).toBe('failure')
    expect(fakes.github.checkRuns[0]?.annotations.map((a) => a['path'])).toContain('people/bob.PNG')
    expect(result.stdout).toMatch(/^Check run \d+: 3 file\(s\) annotated in 1 request\(s\)\.$/m)
    expect(result.stdout).toMatch(
      /::error::2 of 4 images rejected, 1 could not be checked \(1 passed\)\./,
    )
    const comments = fakes.github.comments.get(7) ?? []
    expect(comments).toHaveLength(1)
    expect(comments[0]?.body).toContain('<!-- animate-anyone-check -->')
    expect(comments[0]?.body).toContain('2 rejected')
    expect(comments[0]?.body).toContain('<summary>Passed (1)</summary>')
    expect(result.summary).toContain('AnimateAnyone image check')
    expect(result.everything).not.toContain(API_KEY)
    expect(result.masked).toContain(API_KEY)
  })

  it('edits the same comment on the next run instead of adding one', async () => {
    const { payload } = openPull({ 'a.jpg': 'a' })
    fakes.dashscope.verdicts = [
      { match: /a\.jpg$/, reply: () => failCheck('The body is turned sideways') },
    ]
    const first = await run(payload)
    expect(first.exitCode).toBe(1)
    // The same content is not paid for twice: make the service answer differently to see the reuse.
    fakes.dashscope.verdicts = [{ match: /a\.jpg$/, reply: () => pass('half') }]
    const second = await run(payload)
    expect(second.exitCode).toBe(1)
    expect(fakes.dashscope.calls).toHaveLength(1)
    const comments = fakes.github.comments.get(7) ?? []
    expect(comments).toHaveLength(1)
    expect(fakes.github.count('POST', /\/issues\/7\/comments$/)).toBe(1)
  })

  it('passes with a notice and posts nothing when the PR has no images', async () => {
    const { payload } = openPull({ 'docs/guide.md': 'text', 'src/x.ts': 'code' })
    const result = await run(payload)
    expect(result.exitCode).toBe(0)
    expect(result.outputs).toMatchObject({
      checked: '0',
      passed: '0',
      rejected: '0',
      errors: '0',
      results: '[]',
    })
    expect(result.stdout).toContain('::notice::No images to check')
    expect(fakes.github.comments.get(7)).toBeUndefined()
    expect(fakes.dashscope.calls).toHaveLength(0)
  })

  it('reads all pages of a 250-file PR', async () => {
    const files: Record<string, string> = {}
    for (let i = 0; i < 250; i++) files[`img/${String(i).padStart(3, '0')}.jpg`] = `photo ${i}`
    const { payload } = openPull(files)
    fakes.dashscope.verdicts = [{ match: /\.jpg$/, reply: () => pass('half') }]
    const result = await run(payload, { concurrency: '8', 'rate-limit': '1000' })
    expect(result.exitCode).toBe(0)
    expect(result.outputs.checked).toBe('250')
    expect(fakes.github.count('GET', /\/pulls\/7\/files$/)).toBe(3)
    expect(new Set(fakes.dashscope.calls.map((c) => c.imageUrl)).size).toBe(250)
  })

  it('builds URLs from the head repository of a fork', async () => {
    const { payload, head } = openPull({ 'me.jpg': 'me' }, { fork: 'outsider' })
    fakes.dashscope.verdicts = [{ match: /me\.jpg$/, reply: () => pass() }]
    const result = await run(payload)
    expect(result.exitCode).toBe(0)
    expect(fakes.dashscope.calls[0]?.imageUrl).toBe(
      `https://raw.githubusercontent.com/outsider/photos/${head}/me.jpg`,
    )
  })

  it('keeps a hostile file name inert in the comment', async () => {
    const name =
      'x/<img src=x onerror=alert(1)> | **bold** [link](http://evil) @admin #1 `tick`.jpg'
    const { payload } = openPull({ [name]: 'evil' })
    fakes.dashscope.verdicts = [
      { match: /tick/, reply: () => failCheck('<script>alert(1)</script> | pipe') },
    ]
    const result = await run(payload)
    expect(result.exitCode).toBe(1)
    const body = fakes.github.comments.get(7)?.[0]?.body ?? ''
    // The name reads as written, inside a code span, where Markdown and HTML are text.
    expect(body).toContain(
      '``x/<img src=x onerror=alert(1)> \\| **bold** [link](http://evil) @admin #1 `tick`.jpg``',
    )
    // Outside code spans nothing is markup, a mention or a reference.
    const outside = body.replace(/``.*?``/g, '')
    for (const fragment of ['<img src=x', '<script>', '**bold**', '[link]', '@admin', ' #1 ']) {
      expect(outside).not.toContain(fragment)
    }
    expect(body).toContain('&lt;script&gt;alert(1)&lt;/script&gt; \\| pipe')
    // The rejected row is still one table row: exactly three cells.
    const row = body.split('\n').find((line) => line.startsWith('| [<img')) ?? ''
    expect(row.split(/(?<!\\)\|/).slice(1, -1)).toHaveLength(3)
    expect(fakes.dashscope.calls[0]?.imageUrl).toContain(
      '%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E%20%7C%20%2A%2Abold%2A%2A',
    )
  })

  it('fails at once on an invalid input, naming it and the allowed values', async () => {
    const { payload } = openPull({ 'a.jpg': 'a' })
    const result = await run(payload, { 'require-bodystyle': 'torso' })
    expect(result.exitCode).toBe(1)
    expect(result.stdout).toContain(
      '::error::Input "require-bodystyle" must be one of "any", "full", "half"; got "torso".',
    )
    expect(fakes.dashscope.calls).toHaveLength(0)
  })
})
