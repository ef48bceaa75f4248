import { execFile } from 'node:child_process'
import { createReadStream } from 'node:fs'
import { lstat, readdir, stat } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { SERVICE_LIMITS } from '../config/defaults.js'
import { gitBlobShaOfChunks } from '../core/blob-sha.js'
import { GatherError } from '../core/errors.js'

export const isUrl = (text: string): boolean => /^https?:\/\//i.test(text)

/** One image the CLI was given or found: a URL as it is, or a file with its size and blob sha. */
export type LocalTarget =
  | { kind: 'url'; path: string; url: string }
  /** `sha` is unset for a file over the service's size limit: it is never read, not even hashed. */
  | { kind: 'file'; path: string; file: string; size: number; sha: string | undefined }

export interface LocalTargets {
  targets: LocalTarget[]
  /** Files of walked directories that `matches` left out (not images, or excluded). */
  skipped: string[]
}

/** Folders a directory walk never enters, whatever .gitignore says. */
const NEVER_WALKED = new Set(['.git', 'node_modules'])

const neverWalked = (relativePath: string) =>
  relativePath.split('/').some((segment) => NEVER_WALKED.has(segment))

/**
 * The files git would show under `dir`, relative to it with `/`: tracked and untracked but not
 * ignored (.gitignore, .git/info/exclude, the global excludes). Undefined when git is not
 * installed or `dir` is not in a work tree. No shell: the arguments go to git as they are.
 */
async function gitFiles(dir: string): Promise<string[] | undefined> {
  try {
    const { stdout } = await promisify(execFile)(
      'git',
      ['ls-files', '--cached', '--others', '--exclude-standard', '-z'],
      { cwd: dir, encoding: 'buffer', maxBuffer: 256 * 1024 * 1024, windowsHide: true },
    )
    return [...new Set(stdout.toString('utf8').split('\0'))].filter((path) => path !== '')
  } catch {
    return undefined
  }
}

/** Every file under `dir`, relative to it with `/`, leaving out NEVER_WALKED folders. */
async function walkFiles(dir: string, prefix = ''): Promise<string[]> {
  const files: string[] = []
  for (const entry of await readdir(join(dir, prefix), { withFileTypes: true })) {
    const path = prefix === '' ? entry.name : `${prefix}/${entry.name}`
    if (entry.isDirectory() && !NEVER_WALKED.has(entry.name))
      files.push(...(await walkFiles(dir, path)))
    else if (entry.isFile()) files.push(path)
  }
  return files
}

/**
 * The regular files of a directory: git's view of it in a work tree (so .gitignore is honoured
 * and build output or dependencies are not walked), else a plain walk. `.git` and `node_modules`
 * are never taken.
 */
export async function directoryFiles(dir: string): Promise<string[]> {
  const listed = await gitFiles(dir)
  if (listed === undefined) return (await walkFiles(dir)).sort()
  const files: string[] = []
  for (const path of listed.filter((entry) => !neverWalked(entry)).sort()) {
    // Deleted but still tracked, a submodule (a folder) or a link: not a file to check.
    const info = await lstat(join(dir, path)).catch(() => undefined)
    if (info?.isFile() === true) files.push(path)
  }
  return files
}

async function blobShaOfFile(path: string, size: number): Promise<string | undefined> {
  try {
    return await gitBlobShaOfChunks(size, createReadStream(path))
  } catch {
    return undefined
  }
}

async function fileTarget(file: string, label: string, size: number): Promise<LocalTarget> {
  const tooLarge = size > SERVICE_LIMITS.maxFileBytes
  const sha = tooLarge ? undefined : await blobShaOfFile(file, size)
  return { kind: 'file', path: label, file, size, sha }
}

/**
 * What the user named, as images to check: URLs as they are, files as named (whatever their name:
 * the detector judges the format by content), directories walked for the files `matches` accepts
 * (paths relative to the directory, with `/`).
 */
export async function findLocalTargets(
  operands: readonly string[],
  matches: (path: string) => boolean,
): Promise<LocalTargets> {
  const targets: LocalTarget[] = []
  const skipped: string[] = []
  for (const operand of operands) {
    if (isUrl(operand)) {
      targets.push({ kind: 'url', path: operand, url: operand })
      continue
    }
    const path = resolve(operand)
    const info = await stat(path).catch(() => undefined)
    if (info === undefined) throw new GatherError(`No such file or directory: ${operand}`)
    if (!info.isDirectory()) {
      targets.push(await fileTarget(path, operand, info.size))
      continue
    }
    for (const relativePath of await directoryFiles(path)) {
      const file = join(path, relativePath)
      const label = join(operand, relativePath)
      if (!matches(relativePath)) {
        skipped.push(label)
        continue
      }
      const { size } = await stat(file)
      targets.push(await fileTarget(file, label, size))
    }
  }
  return { targets, skipped }
}
