import type { CheckRunMode } from '../config/config.js'
import type { ImageResult } from '../decide/decide.js'
import { describeGitHubError } from '../github/errors.js'
import type { Octokit } from '../github/octokit.js'
import { httpStatusOf } from '../core/errors.js'
import { safeText } from '../core/untrusted.js'

/** `check-run`: `auto` creates one and falls back to workflow annotations without the permission. */
export type CheckRunConclusion = 'success' | 'failure' | 'neutral'

export const CHECK_RUN_NAME = 'AnimateAnyone image check'
/** GitHub takes at most 50 annotations per create or update request. */
export const ANNOTATIONS_PER_REQUEST = 50
/** GitHub's caps on a check run's output: summary characters, annotation title and message. */
export const CHECK_RUN_LIMITS = { summaryChars: 65_535, titleChars: 255, messageBytes: 64 * 1024 }

export interface CheckRunRequest {
  repo: { owner: string; repo: string }
  /** The commit the run belongs to: the pull request's head, or the pushed commit. */
  headSha: string
  results: readonly ImageResult[]
  /** The Markdown report (the job summary's); cut to GitHub's 65,535 characters. */
  summary: string
  /** One line, e.g. the verdict's "3 of 60 images rejected (57 passed)." */
  title: string
  conclusion: CheckRunConclusion
  mode: CheckRunMode
  /** `comment-key`: runs with different keys get different names, as comments do. */
  commentKey?: string
}

export type CheckRunOutcome =
  /** `check-run: false`: nothing was sent. */
  | { kind: 'off' }
  | {
      kind: 'created'
      id: number
      url: string | null
      /** Annotations sent, and the requests it took (one create, then one update per 50). */
      annotations: number
      requests: number
    }
  /**
   * `auto` and the run could not be created (403: the token lacks `checks: write`, as on pull
   * requests from forks): the caller annotates with workflow commands instead, capped by
   * `max-annotations`, and says `notice` once.
   */
  | {
      kind: 'fallback'
      notice: string
      /** Files the check run annotated before it failed (rejections first); the workflow goes on. */
      annotated: number
    }

/** `check-run: true` and the run could not be created or completed. */
export class CheckRunError extends Error {
  override name = 'CheckRunError'
}

type Annotation = {
  path: string
  start_line: number
  end_line: number
  annotation_level: 'failure' | 'warning'
  title: string
  message: string
}

/** The conclusion for a run's verdict: failing is failure; rejections or errors that do not fail, neutral. */
export function checkRunConclusion(
  failed: boolean,
  counts: { checked: number; rejected: number; errors: number },
): CheckRunConclusion {
  if (failed) return 'failure'
  return counts.checked === 0 || counts.rejected > 0 || counts.errors > 0 ? 'neutral' : 'success'
}

export function checkRunName(commentKey = ''): string {
  const key = safeText(commentKey.trim(), 100)
  return key === '' ? CHECK_RUN_NAME : `${CHECK_RUN_NAME} (${key})`
}

/** Cuts `text` to at most `max` UTF-8 bytes, on a character boundary. */
function capBytes(text: string, max: number): string {
  if (Buffer.byteLength(text, 'utf8') <= max) return text
  let cut = ''
  let bytes = 0
  for (const char of text) {
    const size = Buffer.byteLength(char, 'utf8')
    if (bytes + size > max - 3) break
    cut += char
    bytes += size
  }
  return `${cut}…`
}

/**
 * The report within GitHub's cap. The caller renders it to fit (rows left out, said in the report);
 * this is the last guard, cut on a character boundary with a line saying where the rest is.
 */
export function capSummary(summary: string): string {
  const max = CHECK_RUN_LIMITS.summaryChars
  if (summary.length <= max) return summary
  const note = '\n\n… (cut to GitHub’s limit for a check run; the job summary has the full report)'
  const cut = summary.slice(0, max - note.length)
  // Never half a surrogate pair: a cut between the two would leave a broken character.
  return (/[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut) + note
}

/**
 * A `failure` annotation on every rejected file, then a `warning` on every image that could not be
 * checked, each on line 1 of its file (images have no lines). Text is made one visible line and
 * capped as GitHub requires. Pure.
 */
export function checkRunAnnotations(results: readonly ImageResult[]): Annotation[] {
  const annotated = [
    ...results.filter((r) => r.status === 'reject'),
    ...results.filter((r) => r.status === 'error'),
  ]
  return annotated.map((result) => {
    const rejected = result.status === 'reject'
    const code = result.code ?? result.status
    const title = rejected
      ? `Rejected by the AnimateAnyone check: ${code}`
      : `Not checked (error): ${code}`
    return {
      path: result.path,
      start_line: 1,
      end_line: 1,
      annotation_level: rejected ? 'failure' : 'warning',
      title: safeText(title, CHECK_RUN_LIMITS.titleChars),
      message: capBytes(
        safeText(`${code}: ${result.message ?? ''}`),
        CHECK_RUN_LIMITS.messageBytes,
      ),
    }
  })
}

function noPermission(error: unknown): boolean {
  return httpStatusOf(error) === 403
}

/**
 * Creates one completed check run on the head commit with the report as its summary and an
 * annotation on every rejected or unchecked file: the first 50 with the create request, the rest
 * in updates of 50 (GitHub adds them up). With `auto`, a run that cannot be created (most often a
 * 403 for a token without `checks: write`, as on fork pull requests) is a fallback, not a failure.
 */
export async function publishCheckRun(
  octokit: Octokit,
  request: CheckRunRequest,
): Promise<CheckRunOutcome> {
  if (request.mode === 'false') return { kind: 'off' }
  const { owner, repo } = request.repo
  const annotations = checkRunAnnotations(request.results)
  const output = {
    title: safeText(request.title, CHECK_RUN_LIMITS.titleChars),
    summary: capSummary(request.summary),
  }
  let created
  try {
    created = await octokit.rest.checks.create({
      owner,
      repo,
      name: checkRunName(request.commentKey),
      head_sha: request.headSha,
      status: 'completed',
      conclusion: request.conclusion,
      output: { ...output, annotations: annotations.slice(0, ANNOTATIONS_PER_REQUEST) },
    })
  } catch (error) {
    const cause = describeGitHubError(error)
    if (request.mode === 'true') {
      throw new CheckRunError(
        noPermission(error)
          ? `Could not create the check run (check-run: true): the token needs the "checks: write" permission (${cause}).`
          : `Could not create the check run (check-run: true): ${cause}.`,
      )
    }
    return {
      kind: 'fallback',
      annotated: 0,
      notice: noPermission(error)
        ? `No check run: this token lacks "checks: write" (pull requests from forks always do), so rejected files are annotated by the workflow instead (at most max-annotations).`
        : `No check run (${cause}); rejected files are annotated by the workflow instead (at most max-annotations).`,
    }
  }
  const id = created.data.id
  let requests = 1
  for (let at = ANNOTATIONS_PER_REQUEST; at < annotations.length; at += ANNOTATIONS_PER_REQUEST) {
    try {
      await octokit.rest.checks.update({
        owner,
        repo,
        check_run_id: id,
        output: { ...output, annotations: annotations.slice(at, at + ANNOTATIONS_PER_REQUEST) },
      })
    } catch (error) {
      const what = `Check run ${id} was created, but annotating files ${at + 1}–${Math.min(at + ANNOTATIONS_PER_REQUEST, annotations.length)} of ${annotations.length} failed: ${describeGitHubError(error)}`
      if (request.mode === 'true') throw new CheckRunError(`${what}.`)
      // Every file still gets its mark: the workflow annotates the rest.
      return {
        kind: 'fallback',
        annotated: at,
        notice: `${what}; the rest are annotated by the workflow instead (at most max-annotations).`,
      }
    }
    requests++
  }
  return {
    kind: 'created',
    id,
    url: created.data.html_url,
    annotations: annotations.length,
    requests,
  }
}
