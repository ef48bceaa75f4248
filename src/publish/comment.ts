import type { Config } from '../config/config.js'
import type { Logger } from '../core/log.js'
import { describeGitHubError } from '../github/errors.js'
import type { Octokit } from '../github/api.js'
import { COMMENT_MARKER, commentMarker } from '../report/render.js'
import { httpStatusOf } from '../core/errors.js'
import type { RepoRef, Trigger } from '../core/types.js'

export interface StickyComment {
  id: number
  body: string
}

/** The pull request a report belongs to, and the action's comment on it if there is one. */
export interface PullRequestTarget {
  repo: RepoRef
  number: number
  existing: StickyComment | undefined
  /** False when the comments could not be listed: commenting then could add a second comment. */
  commentsRead: boolean
}

interface CommentAuthor {
  login: string
  type: string
}

/** Who writes the comment when the job's GITHUB_TOKEN is used. */
export const ACTIONS_BOT_LOGIN = 'github-actions[bot]'

/**
 * The one account whose marker comment the action trusts and edits: the `comment-author` input
 * when set (a GitHub App's bot login), else the token's login when `/user` answers, else the
 * job token's bot. Never "any bot": another app could carry a forged verdict record.
 */
export async function commentAuthor(octokit: Octokit, configured: string): Promise<string> {
  if (configured !== '') return configured
  try {
    const { data } = await octokit.rest.users.getAuthenticated()
    return data.login
  } catch {
    return ACTIONS_BOT_LOGIN
  }
}

/**
 * Whether a comment is the action's own: its first line is the marker (of this `comment-key`),
 * and the expected account wrote it. Only the first line counts: a file name shown further down
 * could hold another step's marker.
 */
export function isOwnComment(
  body: string | undefined,
  author: CommentAuthor | null | undefined,
  login: string,
  marker: string = COMMENT_MARKER,
): boolean {
  const firstLine = body?.trimStart().split('\n', 1)[0]?.trim()
  if (firstLine !== marker || author == null) return false
  return author.login.toLowerCase() === login.toLowerCase()
}

export async function findStickyComment(
  octokit: Octokit,
  repo: RepoRef,
  issueNumber: number,
  login: string,
  marker: string = COMMENT_MARKER,
): Promise<StickyComment | undefined> {
  const comments = await octokit.paginate(octokit.rest.issues.listComments, {
    ...repo,
    issue_number: issueNumber,
    per_page: 100,
  })
  const own = comments.find((comment) => isOwnComment(comment.body, comment.user, login, marker))
  return own === undefined ? undefined : { id: own.id, body: own.body ?? '' }
}

/**
 * Edits the action's comment in place (skipping an edit that changes nothing) or creates it. A
 * comment deleted since it was found (the edit answers 404) is created again.
 */
export async function upsertComment(
  octokit: Octokit,
  repo: RepoRef,
  issueNumber: number,
  existing: StickyComment | undefined,
  body: string,
): Promise<{ action: 'created' | 'updated' | 'unchanged'; id: number }> {
  if (existing !== undefined) {
    if (existing.body === body) return { action: 'unchanged', id: existing.id }
    try {
      await octokit.rest.issues.updateComment({ ...repo, comment_id: existing.id, body })
      return { action: 'updated', id: existing.id }
    } catch (error) {
      if (httpStatusOf(error) !== 404) throw error
    }
  }
  const { data } = await octokit.rest.issues.createComment({
    ...repo,
    issue_number: issueNumber,
    body,
  })
  return { action: 'created', id: data.id }
}

/** The PR's existing report comment, when the event is a pull request. */
export async function findPullRequestComment(
  octokit: Octokit,
  trigger: Trigger,
  config: Pick<Config, 'commentAuthor' | 'commentKey'>,
  log: Logger,
): Promise<PullRequestTarget | undefined> {
  if (trigger.kind !== 'pull_request') return undefined
  const { pr } = trigger
  try {
    const author = await commentAuthor(octokit, config.commentAuthor)
    const existing = await findStickyComment(
      octokit,
      pr.baseRepo,
      pr.number,
      author,
      commentMarker(config.commentKey),
    )
    return { repo: pr.baseRepo, number: pr.number, existing, commentsRead: true }
  } catch (error) {
    log.warning(
      `Could not read the comments of #${pr.number} (${describeGitHubError(error)}): not commenting, so as never to add a second report. The full report is in the job summary.`,
    )
    return { repo: pr.baseRepo, number: pr.number, existing: undefined, commentsRead: false }
  }
}
