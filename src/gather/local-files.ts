import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { readdir, readFile, stat } from 'node:fs/promises'
import { join, relative, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { SERVICE_LIMITS } from '../config/defaults.js'
import type { ImageToDetect } from '../detect/run.js'
import { download } from '../resolve/image-bytes.js'
import { UsageError } from '../cli/io.js'

export const isUrl = (text: string): boolean => /^https?:\/\//i.test(text)

/** The git blob sha of a file, read as a stream (a file is never held whole just to be named). */
async function blobShaOfFile(path: string, size: number): Promise<string | undefined> {
  const hash = createHash('sha1').update(`blob ${size}\0`)
  try {
    for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer)
    return hash.digest('hex')
  } catch {
    return undefined
  }
}

async function fileTarget(file: string, label: string, size: number): Promise<ImageToDetect> {
  // A file over the service's size limit is never read: neither hashed nor handed to a detector.
  const tooLarge = size > SERVICE_LIMITS.maxFileBytes
  return {
    path: label,
    url: pathToFileURL(file).href,
    sha: tooLarge ? undefined : await blobShaOfFile(file, size),
    size,
    readBytes: async () => {
      if (tooLarge) {
        throw new Error(
          `the file is ${(size / 1024 / 1024).toFixed(1)} MB; the limit is ${SERVICE_LIMITS.maxFileBytes / 1024 / 1024} MB`,
        )
      }
      return new Uint8Array(await readFile(file))
    },
  }
}

export interface Targets {
  images: ImageToDetect[]
  /** Files of walked directories that `matches` left out (not images, or excluded). */
  skipped: string[]
}

/**
 * What the user named, as images to detect: URLs as they are, files as named (whatever their
 * name: the detector judges the format by content), directories walked for the files `matches`
 * accepts (paths relative to the directory, with `/`).
 */
export async function expandTargets(
  operands: readonly string[],
  timeoutMs: number,
  matches: (path: string) => boolean,
): Promise<Targets> {
  const images: ImageToDetect[] = []
  const skipped: string[] = []
  for (const operand of operands) {
    if (isUrl(operand)) {
      images.push({
        path: operand,
        url: operand,
        sha: undefined,
        readBytes: () => download(operand, timeoutMs),
      })
      continue
    }
    const path = resolve(operand)
    const info = await stat(path).catch(() => undefined)
    if (info === undefined) throw new UsageError(`No such file or directory: ${operand}`)
    if (!info.isDirectory()) {
      images.push(await fileTarget(path, operand, info.size))
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
      images.push(await fileTarget(file, label, size))
    }
  }
  return { images, skipped }
}
