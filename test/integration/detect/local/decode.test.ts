import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ImageDecoder, UndecodableError, type Pixels } from '../../../../src/detect/local/decode.js'
import { walkJpeg } from '../../../../src/detect/local/container.js'
import { decodeJpeg } from '../../../../src/detect/local/jpeg.js'
import { LocalDetector } from '../../../../src/detect/local/detector.js'
import { exifOrientation } from '../../../../src/detect/local/orientation.js'
import { precheck } from '../../../../src/detect/local/precheck.js'
import { LIMITS } from '../../../../src/detect/local/thresholds.js'
import type { Detection } from '../../../../src/detect/types.js'
import { jpegWithDecoyFrame } from '../../../helpers/headers.js'
import {
  assets,
  bmp24,
  bmp8,
  flatGrey,
  encodeCmykJpeg,
  encodeJpeg,
  encodePng,
  encodeWebp,
  jpegWithOrientation,
  meanDifference,
  pngWithOrientation,
  resize,
  rgbaOf,
  scanBomb,
  storedFor,
  tiffOrientation,
  webpWithOrientation,
} from '../../../helpers/images.js'
import { errorMessage } from '../../../../src/core/errors.js'

const decoder = new ImageDecoder(assets)
const detector = new LocalDetector(2, assets)
let upright: Pixels
/** full-body.jpg at half size: still a clear pass, quicker to re-encode. */
let small: Pixels
beforeAll(async () => {
  await detector.load()
  upright = await rgbaOf('full-body.jpg')
  small = resize(upright, Math.round(upright.width / 2), Math.round(upright.height / 2))
}, 60_000)
afterAll(() => detector.close())

// Busy machines run these slowly: generous timeouts.
const SLOW = { timeout: 30_000 }

const verdict = async (bytes: Uint8Array): Promise<Detection> =>
  (await detector.analyse(bytes)).detection
const PASS_FULL = { status: 'pass', bodystyle: 'full' }

describe('EXIF orientation', SLOW, () => {
  it('reads the tag from big- and little-endian TIFF, 1 when absent', () => {
    for (let o = 1; o <= 8; o++) {
      expect(exifOrientation(tiffOrientation(o))).toBe(o)
      expect(exifOrientation(tiffOrientation(o, true))).toBe(o)
    }
    expect(exifOrientation(new Uint8Array([0x4d, 0x4d, 0, 42, 0, 0, 0, 8, 0, 0]))).toBe(1)
    expect(exifOrientation(new Uint8Array(3))).toBe(1)
  })

  it.each([1, 2, 3, 4, 5, 6, 7, 8])(
    'PNG with eXIf orientation %i decodes to the upright pixels, exactly',
    async (orientation) => {
      // 4×3 pixels, each a different colour, so any wrong turn or mirror shows.
      const data = new Uint8Array(4 * 3 * 4)
      for (let i = 0; i < 12; i++) data.set([i * 20, 255 - i * 20, i * 7, 255], i * 4)
      const image: Pixels = { data, width: 4, height: 3, channels: 4 }
      const png = pngWithOrientation(await encodePng(storedFor(image, orientation)), orientation)
      const shown = await decoder.decode(png, 'png')
      expect([shown.width, shown.height]).toEqual([4, 3])
      expect([...shown.data]).toEqual([...data])
    },
  )

  it.each([1, 3, 6, 8])(
    'a JPEG stored turned, with Orientation %i, gets the upright verdict',
    async (orientation) => {
      const jpeg = jpegWithOrientation(await encodeJpeg(storedFor(small, orientation)), orientation)
      expect(await verdict(jpeg)).toMatchObject(PASS_FULL)
    },
  )

  it('a WEBP stored turned, with an EXIF chunk, gets the upright verdict', async () => {
    const stored = storedFor(small, 6)
    const webp = webpWithOrientation(await encodeWebp(stored), stored.width, stored.height, 6)
    expect(await verdict(webp)).toMatchObject(PASS_FULL)
  })

  it('a sideways JPEG without the tag is seen sideways (the tag is what turns it)', async () => {
    const sideways = await encodeJpeg(storedFor(small, 6))
    expect((await verdict(sideways)).status).toBe('reject')
  })
})

describe('truncated and corrupt files', SLOW, () => {
  const rejected = (detection: Detection, pattern: RegExp) => {
    expect(detection).toMatchObject({ status: 'reject', code: 'InvalidURL' })
    expect(detection.message).toMatch(pattern)
    expect(detection.message).not.toContain('[object Object]')
  }

  it.each([
    ['baseline', false, 0.5],
    ['baseline', false, 0.95],
    ['progressive', true, 0.5],
    ['progressive', true, 0.95],
  ])('a %s JPEG cut at %s is InvalidURL', async (_, progressive, fraction) => {
    const jpeg = await encodeJpeg(small, { progressive })
    rejected(await verdict(jpeg.subarray(0, Math.floor(jpeg.length * fraction))), /truncated/)
  })

  it('a JPEG cut short but closed with EOI is refused with the decoder’s own words', async () => {
    const jpeg = await encodeJpeg(small)
    const cut = new Uint8Array(Math.floor(jpeg.length / 2) + 2)
    cut.set(jpeg.subarray(0, cut.length - 2))
    cut.set([0xff, 0xd9], cut.length - 2)
    expect(walkJpeg(cut).problem).toBeUndefined()
    rejected(await verdict(cut), /Corrupt JPEG data|Premature end of JPEG file/)
  })

  it('a PNG without IEND, or cut inside IDAT, is InvalidURL', async () => {
    const png = await encodePng(small)
    rejected(await verdict(png.subarray(0, png.length - 12)), /IEND/)
    rejected(await verdict(png.subarray(0, Math.floor(png.length * 0.6))), /inside the IDAT chunk/)
  })

  it('a PNG whose image data fails its checksum is InvalidURL', async () => {
    const png = await encodePng(small)
    png[png.length - 20] = (png[png.length - 20] ?? 0) ^ 0xff
    rejected(await verdict(png), /checksum/)
  })

  it('a WEBP shorter than its RIFF size is InvalidURL', async () => {
    const webp = await encodeWebp(small)
    rejected(await verdict(webp.subarray(0, webp.length - 100)), /RIFF header announces/)
  })

  it('a BMP whose pixel rows stop early is InvalidURL', async () => {
    const bmp = bmp24(small, false)
    rejected(await verdict(bmp.subarray(0, bmp.length - 5000)), /pixel data stops early/)
  })

  it('turns anything thrown into text, never [object Object]', () => {
    expect(errorMessage({ name: 'ExitStatus', message: 'Program terminated with exit(1)' })).toBe(
      'Program terminated with exit(1)',
    )
    expect(errorMessage({ name: 'ExitStatus', status: 1 })).toBe('ExitStatus 1')
    expect(errorMessage({ code: 7 })).toBe('{"code":7}')
    expect(errorMessage(new Error('boom'))).toBe('boom')
    expect(errorMessage('text')).toBe('text')
  })

  it('a decoder failure carries the decoder’s words, and the decoder still works after', async () => {
    const jpeg = await encodeJpeg(small)
    const garbage = jpeg.slice()
    garbage.fill(0x11, 2, 400)
    await expect(decoder.decode(garbage, 'jpeg')).rejects.toBeInstanceOf(UndecodableError)
    await expect(decoder.decode(garbage, 'jpeg')).rejects.toThrow(/JPEG datastream|no image/)
    // The decoder instance is still good afterwards.
    expect((await decoder.decode(jpeg, 'jpeg')).width).toBe(small.width)
  })
})

describe('decoder instances', SLOW, () => {
  it('keep decoding after a large image released the WebAssembly memory', async () => {
    const large = resize(small, 2000, 1500)
    expect(large.width * large.height).toBeGreaterThan(LIMITS.codecReleasePixels)
    const jpeg = await encodeJpeg(large)
    for (let i = 0; i < 2; i++) expect((await decoder.decode(jpeg, 'jpeg')).width).toBe(2000)
    expect((await decoder.decode(await encodeJpeg(small), 'jpeg')).width).toBe(small.width)
  })
})

describe('CMYK and YCCK JPEG', SLOW, () => {
  it.each([['adobe-cmyk'], ['adobe-ycck'], ['plain-cmyk']] as const)(
    '%s decodes to the same colours',
    (mode) => {
      const patch = resize(small, 64, 48)
      const pixels = decodeJpeg(encodeCmykJpeg(patch, mode))
      expect([pixels.width, pixels.height]).toEqual([64, 48])
      // Lossy coding of four channels, not exact; a wrong inversion or transform is off by ~100.
      expect(meanDifference(pixels, patch)).toBeLessThan(6)
    },
  )

  it('handles restart intervals', () => {
    const patch = resize(small, 70, 45)
    const pixels = decodeJpeg(encodeCmykJpeg(patch, 'adobe-cmyk', 3))
    expect(meanDifference(pixels, patch)).toBeLessThan(6)
  })

  it('an Adobe CMYK photo gets the verdict of its RGB original', async () => {
    const jpeg = encodeCmykJpeg(small, 'adobe-cmyk')
    expect(walkJpeg(jpeg).components).toBe(4)
    expect(await verdict(jpeg)).toMatchObject(PASS_FULL)
  })

  it.each([
    ['baseline', false],
    ['progressive', true],
  ])('the TypeScript decoder agrees with mozjpeg on a %s 4:2:0 JPEG', async (_, progressive) => {
    const jpeg = await encodeJpeg(small, { progressive })
    const mine = decodeJpeg(jpeg)
    const reference = await decoder.decode(jpeg, 'jpeg')
    expect([mine.width, mine.height]).toEqual([reference.width, reference.height])
    // mozjpeg upsamples chroma smoothly, this decoder by repetition: edges differ a little.
    expect(meanDifference(mine, reference)).toBeLessThan(3)
  })

  it('refuses a CMYK JPEG cut short with a clear reason', () => {
    const jpeg = encodeCmykJpeg(resize(small, 64, 48), 'adobe-cmyk')
    expect(() => decodeJpeg(jpeg.subarray(0, jpeg.length - 200))).toThrow(/Premature end|Corrupt/)
  })
})

describe('BMP', SLOW, () => {
  it('a top-down BMP (negative height) gets the verdict of the bottom-up one', async () => {
    const topDown = bmp24(small, true)
    const topDownPixels = await decoder.decode(topDown, 'bmp')
    const bottomUpPixels = await decoder.decode(bmp24(small, false), 'bmp')
    expect([...topDownPixels.data]).toEqual([...bottomUpPixels.data])
    expect(await verdict(topDown)).toMatchObject(PASS_FULL)
  })

  it('an 8-bit BMP shows its palette colours, not the indices', async () => {
    const bmp = bmp8(
      [
        [0, 1, 2],
        [2, 1, 0],
      ],
      [
        [255, 0, 0],
        [0, 255, 0],
        [0, 0, 255],
      ],
    )
    const pixels = await decoder.decode(bmp, 'bmp')
    expect([...pixels.data]).toEqual([
      255, 0, 0, 0, 255, 0, 0, 0, 255, 0, 0, 255, 0, 255, 0, 255, 0, 0,
    ])
  })
})

describe('JPEG scan bomb', SLOW, () => {
  it('refuses a JPEG made of one scan repeated thousands of times, before decoding', async () => {
    // mozjpeg takes seconds over this 2000×2000 file (about 2.6 ms a scan at 4000×4000).
    const bomb = scanBomb(await encodeJpeg(flatGrey(2000, 2000), { progressive: true }), 3000)
    expect(bomb.length).toBeLessThan(200_000)
    expect(walkJpeg(bomb).scans).toBeGreaterThan(LIMITS.maxJpegScans)
    const started = performance.now()
    const detection = await verdict(bomb)
    expect(performance.now() - started).toBeLessThan(1000)
    expect(detection).toMatchObject({ status: 'reject', code: 'InvalidURL' })
    expect(detection.message).toMatch(/more than 256 scans/)
  })

  it('decodes a bomb under the scan limit (the time budget is what bounds it)', async () => {
    const bomb = scanBomb(await encodeJpeg(flatGrey(600, 600), { progressive: true }), 200)
    expect(precheck(bomb)).toMatchObject({ format: 'jpeg' })
    expect((await verdict(bomb)).code).toBe('InvalidFile.Content')
  })

  it('lets ordinary progressive JPEGs through the scan count', async () => {
    const progressive = await encodeJpeg(small, { progressive: true })
    expect(precheck(progressive)).toMatchObject({ format: 'jpeg' })
    expect(walkJpeg(progressive).scans).toBeGreaterThan(1)
  })
})

describe('a JPEG whose markers lie', SLOW, () => {
  /** `jpeg` with `extra` bytes inserted just before its first frame header. */
  const beforeFrame = (jpeg: Uint8Array, extra: number[]) => {
    const sof = walkJpeg(jpeg).frames[0]
    const at = jpeg.findIndex((byte, i) => byte === 0xff && jpeg[i + 1] === sof?.marker)
    return new Uint8Array([...jpeg.subarray(0, at), ...extra, ...jpeg.subarray(at)])
  }

  it('libjpeg reads TEM and fill bytes as the walk does: the frame the precheck sizes', async () => {
    const jpeg = beforeFrame(await encodeJpeg(small), [0xff, 0x01, 0xff, 0xff])
    expect(precheck(jpeg)).toEqual({ format: 'jpeg', width: small.width, height: small.height })
    const pixels = await decoder.decode(jpeg, 'jpeg')
    expect([pixels.width, pixels.height]).toEqual([small.width, small.height])
  })

  it('decodes the real frame, never the decoy a TEM-blind parser reads', async () => {
    const jpeg = jpegWithDecoyFrame({ width: 3000, height: 2000 }, { width: 256, height: 256 })
    const pixels = await decoder.decode(jpeg, 'jpeg')
    expect([pixels.width, pixels.height]).toEqual([3000, 2000])
  })

  it('refuses the 22000×22000 attack in the precheck, and the decoder refuses it too', async () => {
    const attack = jpegWithDecoyFrame({ width: 22000, height: 22000 }, { width: 256, height: 256 })
    const started = performance.now()
    expect(await verdict(attack)).toMatchObject({
      status: 'reject',
      code: 'InvalidFile.Resolution',
      message: expect.stringMatching(/^The image is 22000×22000/) as unknown,
    })
    await expect(decoder.decode(attack, 'jpeg')).rejects.toThrow(
      'its frame is 22000×22000, over the 4096 px limit',
    )
    // Decoding it takes 8 s and 3.9 GB.
    expect(performance.now() - started).toBeLessThan(1000)
  })

  it('the decoder refuses a second frame header', async () => {
    const jpeg = await encodeJpeg(small)
    const second = [0xff, 0xc0, 0, 11, 8, 0x55, 0xf0, 0x55, 0xf0, 1, 1, 0x11, 0]
    const two = new Uint8Array([...jpeg.subarray(0, -2), ...second, 0xff, 0xd9])
    expect(precheck(two)).toMatchObject({ status: 'reject', code: 'InvalidURL' })
    await expect(decoder.decode(two, 'jpeg')).rejects.toThrow('it has 2 frame headers')
  })
})
