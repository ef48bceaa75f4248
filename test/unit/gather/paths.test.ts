import { describe, expect, it } from 'vitest'
import { createPathFilter, isLfsPointer, parseLfsAttributes } from '../../../src/gather/paths.js'
import { splitPatterns } from '../../../src/config/config.js'
import { DEFAULT_INCLUDE } from '../../../src/config/config.js'

describe('createPathFilter', () => {
  const matches = createPathFilter(splitPatterns(DEFAULT_INCLUDE), ['**/drafts/**', 'tmp.png'])

  it.each([
    ['a.jpg', true],
    ['deep/dir/B.JPEG', true],
    ['x.Png', true],
    ['x.bmp', true],
    ['x.webp', true],
    ['.hidden/x.jpg', true],
    ['x.gif', false],
    ['x.tif', false],
    ['jpg', false],
    ['people/drafts/a.jpg', false],
    ['tmp.png', false],
    ['dir/tmp.png', true],
  ])('%s → %s', (path, expected) => {
    expect(matches(path)).toBe(expected)
  })
})

describe('parseLfsAttributes', () => {
  const tracked = parseLfsAttributes(
    [
      '# assets',
      '*.jpg filter=lfs diff=lfs merge=lfs -text',
      'photos/** filter=lfs diff=lfs merge=lfs -text',
      'photos/small/*.png -filter',
      '/root-only.png filter=lfs',
      '*.md text',
    ].join('\n'),
  )
  it.each([
    ['a.jpg', true],
    ['x/y/a.jpg', true],
    ['photos/a.png', true],
    ['photos/small/a.png', false],
    ['root-only.png', true],
    ['sub/root-only.png', false],
    ['a.png', false],
    ['README.md', false],
  ])('%s → %s', (path, expected) => {
    expect(tracked(path)).toBe(expected)
  })
})

describe('isLfsPointer', () => {
  it('recognises the pointer format and nothing else', () => {
    const pointer = 'version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 12345\n'
    expect(isLfsPointer(new TextEncoder().encode(pointer))).toBe(true)
    expect(isLfsPointer(new Uint8Array([0xff, 0xd8, 0xff, 0xe0]))).toBe(false)
    expect(isLfsPointer(new Uint8Array(2000))).toBe(false)
  })
})
