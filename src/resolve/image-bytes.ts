import { gitBlobSha } from '../core/blob-sha.js'
import { lstat, readFile } from 'node:fs/promises'
import { isAbsolute, join, normalize, sep } from 'node:path'
import { request } from 'undici'
import { errorMessage } from '../core/errors.js'
import type { Logger } from '../core/log.js'
import { redactUrl, safeText } from '../core/untrusted.js'
import { readCappedBody } from '../core/http-body.js'
import { LFS_MEDIA_URL, resolveImageUrl } from './url.js'
import { readBlob, type Octokit } from '../github/api.js'
import type { ImageFile, HeadCommit } from '../core/types.js'

/** Larger answers are cut: the detector refuses files over 5 MB anyway. */
const MAX_DOWNLOAD_BYTES = 32 * 1024 * 1024

export interface ImageSourceOptions {
  octokit: Octokit
  githubToken: string
  head: HeadCommit
  /** GITHUB_WORKSPACE, where actions/checkout puts the repository; undefined when unset. */
  workspace: string | undefined
  timeoutMs: number
  log: Logger
}

/**
 * Reads an image's bytes for backends that need them: from the checked-out workspace when the file
 * there is exactly the commit's blob, else through the GitHub API with the token (private
 * repositories and forks too), else from its public URL. LFS files come from the media host.
 */
export async function readImageBytes(
  options: ImageSourceOptions,
  image: ImageFile,
  url: string,
): Promise<Uint8Array> {
  const { head } = options
  if (image.lfs) {
    const media = resolveImageUrl(
      LFS_MEDIA_URL,
      { ...head.repo, sha: head.sha, ref: head.ref, path: image.target ?? image.path },
      false,
    )
    return download(media, options.timeoutMs, `token ${options.githubToken}`)
  }
  const local = await readFromWorkspace(options.workspace, image)
  if (local !== undefined) return local
  try {
    return await readBlob(options.octokit, head.gitRepo, image.sha)
  } catch (error) {
    options.log.debug(
      `Blob ${image.sha} of ${safeText(image.path)} not readable through the API (${safeText(errorMessage(error))}); fetching ${safeText(redactUrl(url))}.`,
    )
    return download(url, options.timeoutMs)
  }
}

async function readFromWorkspace(
  workspace: string | undefined,
  image: ImageFile,
): Promise<Uint8Array | undefined> {
  if (workspace === undefined || workspace === '') return undefined
  // A link's target, so that a link in the checkout (which may point anywhere) is never followed.
  const inRepository = image.target ?? image.path
  const path = normalize(join(workspace, inRepository))
  // A path from the API never leaves the repository, but a crafted one must not read outside it.
  if (isAbsolute(inRepository) || !path.startsWith(normalize(workspace) + sep)) return undefined
  try {
    const info = await lstat(path)
    if (!info.isFile() || info.size > MAX_DOWNLOAD_BYTES) return undefined
    const bytes = new Uint8Array(await readFile(path))
    // Trust the checkout only when it holds exactly this commit's content.
    return gitBlobSha(bytes) === image.sha ? bytes : undefined
  } catch {
    return undefined
  }
}

/** GETs a URL with a size cap; the GitHub token is only ever sent to GitHub's own media host. */
export async function download(
  url: string,
  timeoutMs: number,
  authorization?: string,
): Promise<Uint8Array> {
  const headers: Record<string, string> = {}
  if (authorization !== undefined && new URL(url).hostname === 'media.githubusercontent.com') {
    headers.authorization = authorization
  }
  const response = await request(url, { headers, signal: AbortSignal.timeout(timeoutMs) })
  if (response.statusCode !== 200) {
    await response.body.dump()
    throw new Error(`HTTP ${response.statusCode} from ${new URL(url).host}`)
  }
  return new Uint8Array(await readCappedBody(response.body, MAX_DOWNLOAD_BYTES))
}
