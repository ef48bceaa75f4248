import { imageSize } from 'image-size'
import { describe, expect, it } from 'vitest'
import { walkJpeg } from '../../../../src/detect/local/container.js'
import { precheck, sniffFormat } from '../../../../src/detect/local/precheck.js'
import {
  bmpHeader,
  gifHeader,
  jpegHeader,
  jpegWithDecoyFrame,
  pngHeader,
  tiffHeader,
  webpHeader,
} from '../../../helpers/headers.js'

describe('sniffFormat', () => {
  it.each([
    ['jpeg', jpegHeader(10, 10)],
    ['png', pngHeader(10, 10)],
    ['bmp', bmpHeader(10, 10)],
    ['webp', webpHeader(10, 10)],
    ['gif', gifHeader()],
    ['tiff', tiffHeader()],
  ])('recognises %s by its magic bytes', (format, bytes) => {
    expect(sniffFormat(bytes)).toBe(format)
  })
})

describe('precheck', () => {
  it.each([
    ['jpeg', jpegHeader(800, 1200)],
    ['png', pngHeader(800, 1200)],
    ['bmp', bmpHeader(800, 1200)],
    ['webp', webpHeader(800, 1200)],
  ])('reads %s dimensions from the header', (format, bytes) => {
    expect(precheck(bytes)).toEqual({ format, width: 800, height: 1200 })
  })

  it.each([
    ['longest side 4096', 4096, 1000],
    ['longest side 5000', 1000, 5000],
    ['shortest side 224', 224, 800],
    ['shortest side 100', 800, 100],
  ])('rejects %s as InvalidFile.Resolution', (_, width, height) => {
    expect(precheck(pngHeader(width, height))).toMatchObject({
      status: 'reject',
      code: 'InvalidFile.Resolution',
    })
  })

  it('accepts the largest and smallest allowed sizes', () => {
    expect(precheck(pngHeader(4095, 225))).toMatchObject({ width: 4095, height: 225 })
  })

  it('refuses a decompression bomb from its 33-byte header, at once', () => {
    const started = performance.now()
    expect(precheck(pngHeader(100_000, 100_000))).toMatchObject({
      status: 'reject',
      code: 'InvalidFile.Resolution',
    })
    expect(precheck(jpegHeader(8000, 8000))).toMatchObject({
      status: 'reject',
      code: 'InvalidFile.Resolution',
    })
    expect(performance.now() - started).toBeLessThan(250)
  })

  it.each([
    ['GIF', gifHeader(), /The file is GIF; the format must be JPEG, JPG, PNG, BMP or WEBP\./],
    ['TIFF', tiffHeader(), /The file is TIFF/],
    ['text', new TextEncoder().encode('hello, not an image'), /an unknown format/],
  ])('rejects %s as InvalidURL naming the allowed formats', (_, bytes, message) => {
    const result = precheck(bytes)
    expect(result).toMatchObject({ status: 'reject', code: 'InvalidURL' })
    expect('message' in result && result.message).toMatch(message)
  })

  it('rejects a zero-byte file', () => {
    expect(precheck(new Uint8Array())).toMatchObject({
      status: 'reject',
      code: 'InvalidURL',
      message: 'The file is empty.',
    })
  })

  it('rejects a truncated header', () => {
    expect(precheck(jpegHeader(800, 600).subarray(0, 12))).toMatchObject({
      status: 'reject',
      code: 'InvalidURL',
    })
    expect(precheck(pngHeader(800, 600).subarray(0, 14))).toMatchObject({
      status: 'reject',
      code: 'InvalidURL',
    })
  })

  it('rejects a file over 5 MB before reading it', () => {
    const big = new Uint8Array(5 * 1024 * 1024 + 1)
    big.set(pngHeader(800, 600))
    expect(precheck(big)).toMatchObject({ status: 'reject', code: 'InvalidFile.Size' })
  })
})

describe('precheck of a JPEG whose markers lie', () => {
  const attack = jpegWithDecoyFrame({ width: 22000, height: 22000 }, { width: 256, height: 256 })

  it('is a real attack: a parser that reads TEM as a segment finds the decoy', () => {
    expect(imageSize(attack)).toMatchObject({ width: 256, height: 256 })
    expect(walkJpeg(attack)).toMatchObject({
      problem: undefined,
      scans: 1,
      frames: [{ marker: 0xc0, width: 22000, height: 22000, components: 1 }],
    })
  })

  it('refuses the 22000×22000 frame the decoder would allocate for, at once', () => {
    const started = performance.now()
    expect(precheck(attack)).toEqual({
      status: 'reject',
      code: 'InvalidFile.Resolution',
      message:
        'The image is 22000×22000: the longest side must be under 4096 px and the shortest over 224 px.',
    })
    expect(performance.now() - started).toBeLessThan(250)
  })

  it('reads the real frame past TEM when it is within the limits, never the decoy', () => {
    const real = jpegWithDecoyFrame({ width: 3000, height: 2000 }, { width: 256, height: 256 })
    expect(precheck(real)).toEqual({ format: 'jpeg', width: 3000, height: 2000 })
  })

  it('skips fill bytes before a marker', () => {
    const header = jpegHeader(800, 600)
    const sof = header.indexOf(0xc0) - 1
    const filled = new Uint8Array([...header.subarray(0, sof), 0xff, 0xff, ...header.subarray(sof)])
    expect(precheck(filled)).toEqual({ format: 'jpeg', width: 800, height: 600 })
  })

  it.each([
    ['SOF0', 0xc0],
    ['SOF2', 0xc2],
    ['SOF3', 0xc3],
    ['SOF15', 0xcf],
  ])('refuses a second frame header (%s) as InvalidURL', (_, marker) => {
    const header = jpegHeader(800, 600)
    const eoi = header.length - 2
    const second = [0xff, marker, 0, 11, 8, 0x55, 0xf0, 0x55, 0xf0, 1, 1, 0x11, 0]
    const two = new Uint8Array([...header.subarray(0, eoi), ...second, 0xff, 0xd9])
    expect(precheck(two)).toEqual({
      status: 'reject',
      code: 'InvalidURL',
      message:
        'The JPEG file has 2 frame headers (the first 800×600, then 22000×22000); a photo has one.',
    })
  })

  it('does not count DHT, JPG or DAC (C4, C8, CC) as frame headers', () => {
    const header = jpegHeader(800, 600)
    const eoi = header.length - 2
    const tables = [0xc4, 0xc8, 0xcc].flatMap((marker) => [0xff, marker, 0, 4, 0, 0])
    const file = new Uint8Array([...header.subarray(0, eoi), ...tables, 0xff, 0xd9])
    expect(precheck(file)).toEqual({ format: 'jpeg', width: 800, height: 600 })
  })

  it('keeps two of a million frame headers: a file of nothing else costs no memory', () => {
    // SOI, then 5 MB of minimal SOF0 segments (FF C0 00 02), under the 5 MiB file limit.
    const count = 1_300_000
    const bytes = new Uint8Array(2 + count * 4)
    bytes.set([0xff, 0xd8])
    for (let i = 0; i < count; i++) bytes.set([0xff, 0xc0, 0x00, 0x02], 2 + i * 4)
    const walk = walkJpeg(bytes)
    expect(walk.frames.length).toBeLessThanOrEqual(2)
    expect(walk.frameCount).toBe(count)
    expect(precheck(bytes)).toMatchObject({ status: 'reject', code: 'InvalidURL' })
  })

  it('refuses a JPEG with no frame header as unreadable', () => {
    expect(precheck(new Uint8Array([0xff, 0xd8, 0xff, 0x01, 0xff, 0xd9]))).toEqual({
      status: 'reject',
      code: 'InvalidURL',
      message: 'The JPEG header is unreadable (corrupt or truncated file).',
    })
  })
})
