import { DEFAULT_BASE_URL } from '../config/config.js'

export const LFS_MEDIA_URL = 'https://media.githubusercontent.com/media/{owner}/{repo}/{sha}/{path}'

export interface UrlVariables {
  owner: string
  repo: string
  sha: string
  ref: string
  path: string
}

/** RFC 3986 strict: also encodes the sub-delimiters encodeURIComponent leaves (! ' ( ) *). */
export function encodeSegment(segment: string): string {
  return encodeURIComponent(segment).replace(
    /[!'()*]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`,
  )
}

/** Percent-encodes each path segment, keeping the slashes between them. */
export function encodePath(path: string): string {
  return path.split('/').map(encodeSegment).join('/')
}

/**
 * Fills the base-url template. `{path}` is encoded segment by segment; a template without `{path}`
 * gets `/` and the path appended.
 */
export function resolveUrl(template: string, vars: UrlVariables): string {
  const values: Record<string, string> = {
    owner: encodeSegment(vars.owner),
    repo: encodeSegment(vars.repo),
    sha: encodeSegment(vars.sha),
    ref: encodePath(vars.ref),
    path: encodePath(vars.path),
  }
  const filled = template.replace(
    /\{(owner|repo|sha|ref|path)\}/g,
    (_, name: string) => values[name] ?? '',
  )
  if (template.includes('{path}')) return filled
  return `${filled.replace(/\/+$/, '')}/${values.path ?? ''}`
}

/**
 * An LFS-tracked file's raw URL serves the pointer text; with the default base URL the media host
 * serves the real file. A custom base URL is the user's CDN, which is trusted to serve the content.
 */
export function resolveImageUrl(baseUrl: string, vars: UrlVariables, lfs: boolean): string {
  return resolveUrl(lfs && baseUrl === DEFAULT_BASE_URL ? LFS_MEDIA_URL : baseUrl, vars)
}
