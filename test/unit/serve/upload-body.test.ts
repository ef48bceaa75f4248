import { describe, expect, it } from 'vitest'
import { leadingFields, multipartBoundary } from '../../../src/serve/upload-body.js'

const form = (boundary: string, parts: string[], end = true) =>
  Buffer.from(
    parts.map((part) => `--${boundary}\r\n${part}\r\n`).join('') +
      (end ? `--${boundary}--\r\n` : ''),
  )
const field = (name: string, value: string) =>
  `Content-Disposition: form-data; name="${name}"\r\n\r\n${value}`

describe('multipartBoundary', () => {
  it('reads the first boundary parameter, whole, never one inside a quoted value', () => {
    expect(multipartBoundary('multipart/form-data; x="boundary=evil"; boundary=good')).toBe('good')
    expect(multipartBoundary('multipart/form-data; boundary=first; boundary=second')).toBe('first')
    expect(multipartBoundary(`multipart/form-data; boundary=${'a'.repeat(71)}`)).toBeUndefined()
  })

  it('reads the boundary, quoted or not, and nothing else', () => {
    expect(multipartBoundary('multipart/form-data; boundary=abc123')).toBe('abc123')
    expect(multipartBoundary('Multipart/Form-Data; charset=utf-8; boundary="a b"')).toBe('a b')
    expect(multipartBoundary('multipart/form-data')).toBeUndefined()
    expect(multipartBoundary('text/plain; boundary=x')).toBeUndefined()
  })
})

describe('leadingFields', () => {
  const parts = [
    field('policy', 'cG9s'),
    field('key', 'aa-check/d/照片.jpg'),
    field('key', 'second'),
    'Content-Disposition: form-data; name="file"; filename="照片.jpg"\r\n\r\n\xff\xd8',
  ]

  it('reads no further than 32 parts: thousands of tiny parts cost a bounded look', () => {
    const tiny = Array.from({ length: 6500 }, (_, i) => field(`f${i}`, 'x'))
    const result = leadingFields(form('b0', tiny), 'b0')
    expect(result).toMatchObject({ state: 'complete', file: false })
    expect(result.state === 'complete' && result.fields.size).toBe(32)
  })

  it('reads the fields before the file, the first of each name, in UTF-8', () => {
    const result = leadingFields(form('b0', parts), 'b0')
    expect(result).toEqual({
      state: 'complete',
      file: true,
      fields: new Map([
        ['policy', 'cG9s'],
        ['key', 'aa-check/d/照片.jpg'],
      ]),
    })
  })

  it('is incomplete until the file part’s headers have arrived, at every cut', () => {
    const body = form('b0', parts)
    const fileHeadersEnd = body.indexOf('\r\n\r\n', body.indexOf('filename=')) + 4
    for (let cut = 0; cut < fileHeadersEnd; cut++) {
      expect(leadingFields(body.subarray(0, cut), 'b0').state, String(cut)).toBe('incomplete')
    }
    expect(leadingFields(body.subarray(0, fileHeadersEnd), 'b0').state).toBe('complete')
  })

  it('says when the form ends without a file', () => {
    expect(leadingFields(form('b0', [field('policy', 'x')]), 'b0')).toEqual({
      state: 'complete',
      file: false,
      fields: new Map([['policy', 'x']]),
    })
  })
})
