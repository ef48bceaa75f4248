import picomatch from 'picomatch'

/** Matches repository paths against include/exclude globs, case-insensitively. */
export function createPathFilter(include: string[], exclude: string[]): (path: string) => boolean {
  const options = { nocase: true, dot: true }
  const included = picomatch(include, options)
  const excluded = exclude.length > 0 ? picomatch(exclude, options) : () => false
  return (path) => included(path) && !excluded(path)
}

const LFS_POINTER_PREFIX = 'version https://git-lfs.github.com/spec/'

/** A Git LFS pointer file: what git stores in place of an LFS-tracked file. */
export function isLfsPointer(bytes: Uint8Array): boolean {
  if (bytes.length > 1024) return false
  return (
    new TextDecoder().decode(bytes.subarray(0, LFS_POINTER_PREFIX.length)) === LFS_POINTER_PREFIX
  )
}

/**
 * Reads the `filter=lfs` patterns of a .gitattributes file and returns a matcher. Later lines
 * override earlier ones, as in git; a pattern without a slash matches the name at any depth.
 */
export function parseLfsAttributes(text: string): (path: string) => boolean {
  const rules: { match: (path: string) => boolean; lfs: boolean }[] = []
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim()
    if (line === '' || line.startsWith('#')) continue
    const [pattern, ...attributes] = line.split(/\s+/)
    if (pattern === undefined || pattern.startsWith('[attr]')) continue
    let lfs: boolean | undefined
    for (const attribute of attributes) {
      if (attribute === 'filter=lfs') lfs = true
      else if (
        attribute === '-filter' ||
        attribute === '!filter' ||
        attribute.startsWith('filter=')
      )
        lfs = false
    }
    if (lfs === undefined) continue
    const anchored = pattern.replace(/^\//, '').replace(/\/$/, '/**')
    const glob = pattern.replace(/\/$/, '').includes('/') ? anchored : `**/${anchored}`
    rules.push({ match: picomatch(glob, { dot: true }), lfs })
  }
  return (path) => {
    let lfs = false
    for (const rule of rules) if (rule.match(path)) lfs = rule.lfs
    return lfs
  }
}
