import { afterAll, describe, expect, it } from 'vitest'
import { ImageDecoder, type Pixels } from '../../../../src/detect/local/decode.js'
import { LocalDetector } from '../../../../src/detect/local/detector.js'
import { boxRect } from '../../../../src/report/gallery/overlay.js'
import {
  THUMBNAIL_DEFAULTS,
  ThumbnailMaker,
  type Thumbnail,
} from '../../../../src/report/gallery/thumbnail.js'
import { pngHeader } from '../../../helpers/headers.js'
import {
  assets,
  encodeJpeg,
  encodePng,
  jpegWithOrientation,
  pngWithOrientation,
  rgbaOf,
  storedFor,
} from '../../../helpers/images.js'

const maker = new ThumbnailMaker(assets)
const decoder = new ImageDecoder(assets)

/** A 400×300 grey picture with a red block over [0.1, 0.2, 0.3, 0.5] of it (upright). */
const BLOCK: [number, number, number, number] = [0.1, 0.2, 0.3, 0.5]
function marked(): Pixels {
  const width = 400
  const height = 300
  const data = new Uint8Array(width * height * 4)
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const inside =
        x >= BLOCK[0] * width &&
        x < BLOCK[2] * width &&
        y >= BLOCK[1] * height &&
        y < BLOCK[3] * height
      data.set(inside ? [220, 20, 20, 255] : [128, 128, 128, 255], (y * width + x) * 4)
    }
  return { data, width, height, channels: 4 }
}

async function made(bytes: Uint8Array): Promise<Thumbnail> {
  const thumbnail = await maker.make(bytes)
  if ('problem' in thumbnail) throw new Error(thumbnail.problem)
  return thumbnail
}

/** The thumbnail's pixels, decoded back from its data URI. */
async function pixelsOf(thumbnail: Thumbnail): Promise<Pixels> {
  const base64 = thumbnail.src.replace(/^data:image\/jpeg;base64,/, '')
  return decoder.decode(new Uint8Array(Buffer.from(base64, 'base64')), 'jpeg')
}

/** The box around the red pixels, in pixels. */
function redBox({ data, width, height, channels }: Pixels) {
  let left = width
  let top = height
  let right = 0
  let bottom = 0
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const at = (y * width + x) * channels
      if ((data[at] ?? 0) > 170 && (data[at + 1] ?? 0) < 90) {
        left = Math.min(left, x)
        top = Math.min(top, y)
        right = Math.max(right, x + 1)
        bottom = Math.max(bottom, y + 1)
      }
    }
  return { x: left, y: top, width: right - left, height: bottom - top }
}

describe('ThumbnailMaker', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])(
    'turns a photo stored with EXIF orientation %i upright, so evidence lands on it',
    async (orientation) => {
      const stored = jpegWithOrientation(
        await encodeJpeg(storedFor(marked(), orientation), { quality: 95 }),
        orientation,
      )
      const thumbnail = await made(stored)
      // Upright 400×300, longest side 256: 256×192 whatever the stored orientation.
      expect([thumbnail.width, thumbnail.height]).toEqual([256, 192])
      expect(thumbnail.src).toMatch(/^data:image\/jpeg;base64,/)
      const expected = boxRect(BLOCK, thumbnail)
      const found = redBox(await pixelsOf(thumbnail))
      for (const side of ['x', 'y', 'width', 'height'] as const)
        expect(Math.abs(found[side] - (expected?.[side] ?? -99))).toBeLessThanOrEqual(2)
    },
  )

  it('turns PNGs with an eXIf orientation too', async () => {
    const stored = pngWithOrientation(await encodePng(storedFor(marked(), 8)), 8)
    const thumbnail = await made(stored)
    expect([thumbnail.width, thumbnail.height]).toEqual([256, 192])
  })

  it('keeps every thumbnail within its byte bound, noise included', async () => {
    const width = 1200
    const height = 900
    const noise = new Uint8Array(width * height * 4)
    for (let i = 0; i < noise.length; i++) noise[i] = (i * 2654435761) >>> 24
    const thumbnail = await made(
      await encodeJpeg({ data: noise, width, height, channels: 4 }, { quality: 95 }),
    )
    expect(thumbnail.bytes).toBeLessThanOrEqual(THUMBNAIL_DEFAULTS.maxBytes)
    expect(thumbnail.src.length).toBeLessThanOrEqual(
      'data:image/jpeg;base64,'.length + Math.ceil(THUMBNAIL_DEFAULTS.maxBytes / 3) * 4,
    )
  })

  it('refuses what the detector refuses undecoded, without decoding it', async () => {
    expect(await maker.make(new Uint8Array())).toEqual({ problem: 'the file is empty' })
    expect(await maker.make(new TextEncoder().encode('GIF89a....'))).toMatchObject({
      problem: expect.stringMatching(/not a JPEG/) as unknown,
    })
    // A PNG header claiming 20000×20000 pixels: never decoded.
    expect(await maker.make(pngHeader(20_000, 20_000))).toEqual({
      problem: 'it is 20000 px on its longest side, too large to decode here',
    })
  })
})

describe('the local detector and the thumbnail agree on EXIF-rotated photos', () => {
  const detector = new LocalDetector(2, assets, { workers: 2 })
  afterAll(() => detector.close())

  it('reports the same person box for a photo stored upright and stored turned (6 and 8)', async () => {
    const upright = await rgbaOf('full-body.jpg')
    const boxes: number[][] = []
    const sizes: number[][] = []
    for (const orientation of [1, 6, 8]) {
      const bytes = jpegWithOrientation(
        await encodeJpeg(storedFor(upright, orientation), { quality: 90 }),
        orientation,
      )
      const { detection } = await detector.analyse(bytes)
      boxes.push(detection.evidence?.people[0]?.box ?? [])
      const thumbnail = await made(bytes)
      sizes.push([thumbnail.width, thumbnail.height])
    }
    expect(boxes[0]).toHaveLength(4)
    for (const box of boxes.slice(1))
      box.forEach((edge, i) => expect(Math.abs(edge - (boxes[0]?.[i] ?? 9))).toBeLessThan(0.02))
    // Upright full-body.jpg is portrait: every thumbnail is the same portrait size.
    expect(sizes[1]).toEqual(sizes[0])
    expect(sizes[2]).toEqual(sizes[0])
    expect((sizes[0]?.[1] ?? 0) > (sizes[0]?.[0] ?? 0)).toBe(true)
  }, 60_000)
})
