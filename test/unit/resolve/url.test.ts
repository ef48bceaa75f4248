import { describe, expect, it } from 'vitest'
import { DEFAULT_BASE_URL } from '../../../src/config/config.js'
import { encodePath, resolveImageUrl, resolveUrl } from '../../../src/resolve/url.js'

const vars = {
  owner: 'acme',
  repo: 'photos',
  sha: 'abc123',
  ref: 'feature/x',
  path: 'people/a.jpg',
}

describe('resolveUrl', () => {
  it('fills the default raw URL', () => {
    expect(resolveUrl(DEFAULT_BASE_URL, vars)).toBe(
      'https://raw.githubusercontent.com/acme/photos/abc123/people/a.jpg',
    )
  })

  it('encodes each path segment: spaces, #, ?, %, unicode and sub-delimiters', () => {
    const path = 'my photos/#1 what?/100% café (copy)*.jpg'
    expect(encodePath(path)).toBe(
      'my%20photos/%231%20what%3F/100%25%20caf%C3%A9%20%28copy%29%2A.jpg',
    )
    expect(resolveUrl('https://cdn.example.com/{path}', { ...vars, path })).toBe(
      'https://cdn.example.com/my%20photos/%231%20what%3F/100%25%20caf%C3%A9%20%28copy%29%2A.jpg',
    )
  })

  it('appends / and the path when the template has no {path}, without doubling slashes', () => {
    expect(resolveUrl('https://cdn.example.com/assets/', vars)).toBe(
      'https://cdn.example.com/assets/people/a.jpg',
    )
    expect(resolveUrl('https://cdn.example.com/{ref}', vars)).toBe(
      'https://cdn.example.com/feature/x/people/a.jpg',
    )
  })

  it('uses the head repository given (forks)', () => {
    expect(resolveUrl(DEFAULT_BASE_URL, { ...vars, owner: 'outsider' })).toContain(
      '/outsider/photos/',
    )
  })
})

describe('resolveImageUrl', () => {
  it('sends LFS files with the default base URL to the media host', () => {
    expect(resolveImageUrl(DEFAULT_BASE_URL, vars, true)).toBe(
      'https://media.githubusercontent.com/media/acme/photos/abc123/people/a.jpg',
    )
  })

  it('keeps a custom base URL for LFS files', () => {
    expect(resolveImageUrl('https://cdn.example.com/{path}', vars, true)).toBe(
      'https://cdn.example.com/people/a.jpg',
    )
  })
})
