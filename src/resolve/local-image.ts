import { readFile } from 'node:fs/promises'
import { pathToFileURL } from 'node:url'
import { SERVICE_LIMITS } from '../config/defaults.js'
import type { LocalTarget } from '../gather/local-files.js'
import { download } from './image-bytes.js'
import type { ResolvedImage } from './resolved-image.js'

const MB = 1024 * 1024

/** A file or URL the CLI was given, as an image a detector reads. */
export function resolveLocalTarget(target: LocalTarget, timeoutMs: number): ResolvedImage {
  if (target.kind === 'url') {
    return {
      path: target.path,
      url: target.url,
      sha: undefined,
      readBytes: () => download(target.url, timeoutMs),
    }
  }
  const { file, size } = target
  return {
    path: target.path,
    url: pathToFileURL(file).href,
    sha: target.sha,
    size,
    readBytes: async () => {
      // A file over the service's size limit is never read.
      if (size > SERVICE_LIMITS.maxFileBytes) {
        throw new Error(
          `the file is ${(size / MB).toFixed(1)} MB; the limit is ${SERVICE_LIMITS.maxFileBytes / MB} MB`,
        )
      }
      return new Uint8Array(await readFile(file))
    },
  }
}
