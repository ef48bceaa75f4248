import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import type { Evidence } from '../../../../src/detect/types.js'
import {
  boxRect,
  headArrow,
  keypointAt,
  overlaySvg,
} from '../../../../src/report/gallery/overlay.js'
import {
  GALLERY_CSP,
  GALLERY_LIMITS,
  maxPageChars,
  renderGallery,
  type GalleryItem,
} from '../../../../src/report/gallery/render.js'
import { result } from './results.js'

const FRAME = { width: 300, height: 400 }

/** A valid JPEG data URI of about `bytes` bytes (the page checks its form, not its pixels). */
const thumbnail = (bytes = 300, width = 300, height = 400) => ({
  src: `data:image/jpeg;base64,${Buffer.alloc(bytes, 7).toString('base64')}`,
  width,
  height,
})

const evidence: Evidence = {
  rule: 'sitting',
  people: [
    {
      box: [0.1, 0.2, 0.5, 0.9],
      score: 0.8,
      source: 'detector',
      keypoints: [
        { name: 'leftShoulder', x: 0.4, y: 0.3, score: 0.9 },
        { name: 'rightShoulder', x: 0.2, y: 0.3, score: 0.9 },
        { name: 'leftHip', x: 0.35, y: 0.6, score: 0.9 },
      ],
    },
  ],
  head: { yaw: 0, pitch: 30, roll: 0, faceScore: 0.9, box: [0.25, 0.05, 0.35, 0.125] },
  objects: [{ label: 'umbrella', score: 0.61, box: [0.5, 0.5, 1, 1] }],
}

describe('the overlay geometry', () => {
  it('puts a box where the evidence says, in thumbnail pixels', () => {
    expect(boxRect([0.1, 0.2, 0.5, 0.9], FRAME)).toEqual({ x: 30, y: 80, width: 120, height: 280 })
    expect(boxRect([0, 0, 1, 1], { width: 171, height: 256 })).toEqual({
      x: 0,
      y: 0,
      width: 171,
      height: 256,
    })
  })

  it('draws only the part of a box on the photo (a head square past the edge)', () => {
    expect(boxRect([0.8, -0.1, 1.3, 0.4], FRAME)).toEqual({ x: 240, y: 0, width: 60, height: 160 })
  })

  it('puts keypoints where the evidence says', () => {
    expect(keypointAt({ name: 'nose', x: 0.5, y: 0.25, score: 1 }, FRAME)).toEqual({
      x: 150,
      y: 100,
    })
  })

  it('draws nothing for boxes and points that are not numbers near the frame', () => {
    const bad = [
      [0.5, 0.2, 0.1, 0.9],
      [0, 0, Number.NaN, 1],
      [0, 0, 1e9, 1],
      [0, 0, 1],
      'x',
    ] as unknown as [number, number, number, number][]
    for (const box of bad) expect(boxRect(box, FRAME)).toBeUndefined()
    expect(keypointAt({ name: 'nose', x: Infinity, y: 0, score: 1 }, FRAME)).toBeUndefined()
  })

  it('points the head arrow down for positive pitch and to the right for negative yaw', () => {
    const down = headArrow(
      { yaw: 0, pitch: 30, roll: 0, faceScore: 1, box: [0, 0, 0.1, 0.1] },
      FRAME,
    )
    // The square is 30×40 px centred at (15, 20); the arrow is as long as its longer side.
    expect(down).toEqual({ x1: 15, y1: 20, x2: 15, y2: 40 })
    const right = headArrow(
      { yaw: -90, pitch: 0, roll: 0, faceScore: 1, box: [0, 0, 0.1, 0.1] },
      FRAME,
    )
    expect(right).toEqual({ x1: 15, y1: 20, x2: 55, y2: 20 })
  })

  it('draws people, bones, joints, the head and objects as SVG at those places', () => {
    const svg = overlaySvg(evidence, FRAME)
    expect(svg).toContain('<rect class="person" x="30" y="80" width="120" height="280"/>')
    expect(svg).toContain('<line class="bone" x1="120" y1="120" x2="60" y2="120"/>')
    expect(svg).toContain('<line class="bone" x1="120" y1="120" x2="105" y2="240"/>')
    expect(svg).toContain('<circle class="joint" cx="105" cy="240" r="2.5">')
    expect(svg).toContain('<rect class="head" x="75" y="20" width="30" height="30"/>')
    expect(svg).toContain('<rect class="object" x="150" y="200" width="150" height="200"/>')
    expect(svg).toContain('>umbrella 61%</text>')
  })
})

describe('renderGallery', () => {
  it('writes one page with a strict Content-Security-Policy, lazy images and the overlay', () => {
    const html = renderGallery([
      { result: { ...result('a.jpg'), evidence }, thumbnail: thumbnail() },
    ])
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="${GALLERY_CSP}">`)
    expect(GALLERY_CSP).toMatch(/^default-src 'none'; img-src data:; style-src 'sha256-/)
    expect(html).toMatch(
      /<img src="data:image\/jpeg;base64,[^"]+" width="300" height="400" alt="a\.jpg" loading="lazy" decoding="async">/,
    )
    expect(html).toContain('<svg viewBox="0 0 300 400"')
    expect(html).toContain('<rect class="person" x="30" y="80" width="120" height="280"/>')
    // Nothing that would load: no http(s) URL in any src or href.
    expect(html).not.toMatch(/\b(src|href)="(?!data:)/)
  })

  it("allows exactly the page's own style and script by hash: nothing inline runs otherwise", () => {
    const html = renderGallery([{ result: result('a.jpg') }])
    const hash = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? ''
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)?.[1] ?? ''
    expect(GALLERY_CSP).toContain(`style-src ${hash(style)};`)
    expect(GALLERY_CSP).toContain(`script-src ${hash(script)};`)
    expect(GALLERY_CSP).not.toContain('unsafe')
    // No inline event handler or style attribute, which a hash would not allow.
    expect(html).not.toMatch(/\son[a-z]+=|\sstyle=/)
  })

  it('escapes file names, messages and labels for text and attributes', () => {
    const name = '<img src=x onerror=alert(1)>.jpg'
    const html = renderGallery([
      {
        result: {
          ...result(name),
          code: '"><script>alert(2)</script>',
          message: 'The face </script><script>alert(3)</script> & more',
          evidence: { ...evidence, objects: [{ label: '<b>x</b>"', score: 1, box: [0, 0, 1, 1] }] },
        },
        thumbnail: thumbnail(),
      },
    ])
    expect(html).not.toContain('<img src=x')
    expect(html).not.toContain('<script>alert')
    expect(html).not.toContain('<b>x</b>')
    expect(html).toContain('alt="&lt;img src=x onerror=alert(1)&gt;.jpg"')
    expect(html).toContain('<code>&lt;img src=x onerror=alert(1)&gt;.jpg</code>')
    expect(html).toContain('data-code="&quot;&gt;&lt;script&gt;alert(2)&lt;/script&gt;"')
    expect(html).toContain(
      'The face &lt;/script&gt;&lt;script&gt;alert(3)&lt;/script&gt; &amp; more',
    )
    // Exactly one script element: the page's own.
    expect(html.match(/<script/g)).toHaveLength(1)
  })

  it('shows a service verdict without evidence, and a photo without a thumbnail', () => {
    const html = renderGallery([
      { result: result('service.jpg', { requestId: 'req-1' }), thumbnail: thumbnail() },
      {
        result: result('gone.jpg', { status: 'error', code: 'X' }),
        thumbnailProblem: 'it was deleted',
      },
      { result: result('huge.jpg'), thumbnail: thumbnail(GALLERY_LIMITS.thumbnailChars) },
      { result: result('script.jpg'), thumbnail: { ...thumbnail(), src: 'javascript:alert(1)' } },
    ])
    expect(html).toContain('No evidence drawn')
    expect(html).toContain('Request <code>req-1</code>')
    expect(html).toContain('No preview: it was deleted.')
    expect(html).toContain('No preview: the preview is too large.')
    expect(html).not.toContain('javascript:')
    expect(html).not.toContain('<svg viewBox')
  })

  it('puts rejections first, then errors, accepted and passes, with a filter per status and code', () => {
    const html = renderGallery([
      { result: result('p.jpg', { status: 'pass', code: null, message: null }) },
      { result: result('a.jpg', { status: 'accepted' }) },
      { result: result('e.jpg', { status: 'error', code: 'Timeout' }) },
      { result: result('r.jpg', { code: 'InvalidFile.Content' }) },
    ])
    const order = [...html.matchAll(/<section class="group" data-status="(\w+)"/g)].map((m) => m[1])
    expect(order).toEqual(['reject', 'error', 'accepted', 'pass'])
    expect(html).toContain(
      '<button type="button" data-filter="status" data-value="reject" aria-pressed="false">',
    )
    expect(html).toContain('data-filter="code" data-value="InvalidFile.Content"')
    expect(html).toContain('@media (prefers-color-scheme: dark)')
  })

  it('stays within its documented size bound, and says how many photos it left out', () => {
    const hostile = '&<"'.repeat(400)
    const items: GalleryItem[] = Array.from({ length: 1500 }, (_, i) => ({
      result: {
        ...result(`${hostile}/${i}.jpg`, {
          status: i % 2 === 0 ? 'reject' : 'pass',
          code: hostile,
          message: hostile,
          requestId: hostile,
        }),
        evidence,
      },
      thumbnail: thumbnail(Math.floor(((GALLERY_LIMITS.thumbnailChars - 23) / 4) * 3) - 2),
    }))
    const html = renderGallery(items)
    expect(html.match(/<li class="card"/g)).toHaveLength(GALLERY_LIMITS.maxCards)
    expect(html.length).toBeLessThanOrEqual(maxPageChars(GALLERY_LIMITS.maxCards))
    expect(maxPageChars(GALLERY_LIMITS.maxCards)).toBeLessThan(50_000_000)
    expect(html).toContain('500 more photos are not shown')
    // Every rejection made the cut: the passes were left out first.
    expect(html.match(/<li class="card" data-status="reject"/g)).toHaveLength(750)
  })
})
