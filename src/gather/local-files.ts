import { createReadStream } from 'node:fs'
import { readdir, stat } from 'node:fs/promises'
import { join, relative, resolve } from 'node:path'
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
    const files = (await readdir(path, { recursive: true, withFileTypes: true }))
      .filter((entry) => entry.isFile())
      .map((entry) => join(entry.parentPath, entry.name))
      .sort()
    for (const file of files) {
      const label = join(operand, relative(path, file))
      if (!matches(relative(path, file).split('\\').join('/'))) {
        skipped.push(label)
        continue
      }
      const { size } = await stat(file)
      targets.push(await fileTarget(file, label, size))
    }
  }
  return { targets, skipped }
}
