import type { HeadCommit, Trigger } from '../core/types.js'

/**
 * What a comment's verdict record belongs to: a copy from another repository, PR or `comment-key`
 * is never trusted.
 */
export function recordScope(trigger: Trigger, commentKey = ''): string {
  const key = commentKey === '' ? '' : ` ${commentKey}`
  if (trigger.kind === 'pull_request') {
    const { baseRepo, number } = trigger.pr
    return `${baseRepo.owner}/${baseRepo.repo}#${number}${key}`
  }
  return `${trigger.repo.owner}/${trigger.repo.repo}${key}`
}

/** The repository a record file and a results file belong to: `owner/repo`. */
export function repositoryOf(head: HeadCommit): string {
  return `${head.gitRepo.owner}/${head.gitRepo.repo}`
}
