import { describe, expect, it } from 'vitest'
import { precheck, sniffFormat } from '../../../../src/detect/local/precheck.js'
import {
  bmpHeader,
  gifHeader,
  jpegHeader,
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
    expect(performance.now() - started).toBeLessThan(50)
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
