import { encodePath, encodeSegment } from '../resolve/url.js'

/** Where the report's links point: the GitHub server, the files' repository, the workflow run. */
export interface ReportLinks {
  /** GITHUB_SERVER_URL without a trailing slash (GitHub Enterprise hosts included). */
  server: string
  /** The repository the files are read from: the head repository (the fork for fork PRs). */
  owner: string
  repo: string
  /** The workflow run that wrote the report, when the runner says which. */
  runUrl: string | undefined
}

const DEFAULT_SERVER = 'https://github.com'

/** GITHUB_SERVER_URL when it is an http(s) URL, else github.com. */
export function serverUrl(env: NodeJS.ProcessEnv): string {
  const raw = env.GITHUB_SERVER_URL?.trim() ?? ''
  try {
    const url = new URL(raw)
    if (url.protocol === 'https:' || url.protocol === 'http:') {
      const path = url.pathname.replace(/\/+$/, '')
      // The server's URL goes into Markdown link destinations: no parentheses, spaces or quotes.
      return /^[\w\-.~/%]*$/.test(path) ? `${url.origin}${path}` : url.origin
    }
  } catch {
    // Not a URL: the default below.
  }
  return DEFAULT_SERVER
}

/**
 * The report's links for files in `files` (owner/repo), with the run from GITHUB_REPOSITORY,
 * GITHUB_RUN_ID and GITHUB_RUN_ATTEMPT (an attempt after the first gets its own page).
 */
export function reportLinks(
  files: { owner: string; repo: string },
  env: NodeJS.ProcessEnv,
): ReportLinks {
  const server = serverUrl(env)
  const [owner = '', repo = ''] = (env.GITHUB_REPOSITORY ?? '').split('/', 2)
  const runId = env.GITHUB_RUN_ID?.trim() ?? ''
  const attempt = Number(env.GITHUB_RUN_ATTEMPT ?? '1')
  let runUrl: string | undefined
  if (/^\d+$/.test(runId) && owner !== '' && repo !== '') {
    runUrl = `${server}/${encodeSegment(owner)}/${encodeSegment(repo)}/actions/runs/${runId}`
    if (Number.isInteger(attempt) && attempt > 1) runUrl += `/attempts/${attempt}`
  }
  return { server, owner: files.owner, repo: files.repo, runUrl }
}

/**
 * A file's page at a commit, and its image: `?raw=true` redirects to the raw content with the
 * viewer's own access, so thumbnails of a private repository show for everyone who may see it.
 */
export function fileUrls(
  links: ReportLinks,
  commit: string,
  path: string,
): { page: string; image: string } {
  const page = `${links.server}/${encodeSegment(links.owner)}/${encodeSegment(links.repo)}/blob/${encodeSegment(commit)}/${encodePath(path)}`
  return { page, image: `${page}?raw=true` }
}

export function commitUrl(links: ReportLinks, commit: string): string {
  return `${links.server}/${encodeSegment(links.owner)}/${encodeSegment(links.repo)}/commit/${encodeSegment(commit)}`
}
