import type { RepoRef } from '../action/event.js'
import type { Octokit } from './repo.js'
import { COMMENT_MARKER } from '../report/render.js'

export interface StickyComment {
  id: number
  body: string
}

interface CommentAuthor {
  login: string
  type: string
}

/** The login behind the token, or undefined for tokens that may not read it (GITHUB_TOKEN, apps). */
export async function tokenLogin(octokit: Octokit): Promise<string | undefined> {
  try {
    const { data } = await octokit.rest.users.getAuthenticated()
    return data.login
  } catch {
    return undefined
  }
}

/**
 * Whether a comment is the action's own: the marker, written by the token's identity. When that
 * identity cannot be read, only a bot can own it, since a person could paste the marker (and a
 * forged verdict record) into a comment of their own.
 */
export function isOwnComment(
  body: string | undefined,
  author: CommentAuthor | null | undefined,
  login: string | undefined,
): boolean {
  if (body?.includes(COMMENT_MARKER) !== true || author == null) return false
  return login === undefined ? author.type === 'Bot' : author.login === login
}

export async function findStickyComment(
  octokit: Octokit,
  repo: RepoRef,
  issueNumber: number,
  login: string | undefined,
): Promise<StickyComment | undefined> {
  const comments = await octokit.paginate(octokit.rest.issues.listComments, {
    ...repo,
    issue_number: issueNumber,
    per_page: 100,
  })
  const own = comments.find((comment) => isOwnComment(comment.body, comment.user, login))
  return own === undefined ? undefined : { id: own.id, body: own.body ?? '' }
}

/** Edits the action's comment in place (skipping an edit that changes nothing) or creates it. */
export async function upsertComment(
  octokit: Octokit,
  repo: RepoRef,
  issueNumber: number,
  existing: StickyComment | undefined,
  body: string,
): Promise<{ action: 'created' | 'updated' | 'unchanged'; id: number }> {
  if (existing !== undefined) {
    if (existing.body === body) return { action: 'unchanged', id: existing.id }
    await octokit.rest.issues.updateComment({ ...repo, comment_id: existing.id, body })
    return { action: 'updated', id: existing.id }
  }
  const { data } = await octokit.rest.issues.createComment({
    ...repo,
    issue_number: issueNumber,
    body,
  })
  return { action: 'created', id: data.id }
}
