import type { Config } from '../config/config.js'
import { ConfigError } from '../core/errors.js'
import type { ImageFile, RefusedPath, Trigger } from '../core/types.js'
import { safeText } from '../core/untrusted.js'
import { applyAccepted, type ImageResult } from '../decide/decide.js'
import { gatherImages } from '../gather/gather.js'
import type { Octokit } from '../github/api.js'
import type { ActionIo } from '../publish/action-io.js'
import { findPullRequestComment } from '../publish/comment.js'
import { recordScope, repositoryOf } from '../record/scope.js'
import { reportLinks } from '../report/links.js'
import { findResultsFiles, mergeResultsFiles } from '../report/merge.js'
import type { CheckOutcome } from './pipeline.js'

export interface MergeOptions {
  config: Config
  trigger: Trigger
  octokit: Octokit
  io: ActionIo
  env: NodeJS.ProcessEnv
  now?: () => number
}

/** How many mismatches of each kind a message names before it counts the rest. */
const NAMED = 5

/**
 * `merge-results`: the shards' files as the report one unsharded run would have made, for
 * `publish`. Nothing is detected, and nothing in the files is taken on trust that can be checked:
 * the commit's images are listed again and the files must hold exactly those paths and blobs,
 * `accept` is applied here (never read from a file), and no recorded time lies in the future.
 */
export async function mergeStep(options: MergeOptions): Promise<CheckOutcome> {
  const { config, trigger, octokit, io } = options
  const cwd = config.workspace ?? process.cwd()
  const paths = await findResultsFiles(config.mergeResults, cwd)
  if (paths.length === 0) {
    throw new ConfigError(
      'merge-results',
      `matched no files (${config.mergeResults.map((p) => `"${safeText(p)}"`).join(', ')} in ${safeText(cwd)}): did every shard upload its results-file, and did actions/download-artifact put them there?`,
    )
  }
  const merged = await mergeResultsFiles(paths, cwd, (options.now ?? Date.now)())
  if (!merged.ok) throw new ConfigError('merge-results', `cannot be merged: ${merged.problem}.`)
  const { report, files } = merged.value

  const gathered = await io.group('Listing the images the shards must have checked', () =>
    gatherImages(octokit, trigger, config, io),
  )
  const { head } = gathered
  const repository = repositoryOf(head)
  if (report.repository !== repository) {
    throw new ConfigError(
      'merge-results',
      `names results of ${safeText(report.repository)}, but this run is of ${repository}.`,
    )
  }
  if (report.sha !== head.sha) {
    throw new ConfigError(
      'merge-results',
      `names results of commit ${safeText(report.sha.slice(0, 7))}, but this run is of ${head.sha.slice(0, 7)}: download this workflow run's artifacts.`,
    )
  }
  if (report.results.some((result) => result.sha === null)) {
    throw new ConfigError(
      'merge-results',
      'names results files written by an older version of the action, without blob SHAs: run the shards again with this version.',
    )
  }
  const mismatches = coverageProblems(report.results, [...gathered.images, ...gathered.refused])
  if (mismatches.length > 0) {
    throw new ConfigError(
      'merge-results',
      `holds results that are not those of the images at ${head.sha.slice(0, 7)}: ${mismatches.join('; ')}. Every shard must check the same commit with the same include/exclude.`,
    )
  }
  const count = files[0]?.file.shard.count ?? 1
  io.info(
    `Merged ${count} shard(s) of ${safeText(report.scope)}: ${files.map(({ name }) => safeText(name)).join(', ')}.`,
  )
  // A file's "accepted" is its writer's word; only this step's own `accept` input accepts.
  const asDetected = report.results.map((result): ImageResult =>
    result.status === 'accepted' ? { ...result, status: 'reject' } : result,
  )
  return {
    report: { ...report, results: applyAccepted(asDetected, config.accept) },
    target: {
      pullRequest: await findPullRequestComment(octokit, trigger, config, io),
      repo: head.gitRepo,
      links: reportLinks(head.repo, options.env),
      recordScope: recordScope(trigger, config.commentKey),
    },
    // The shards' bytes stay with the shards: the merged gallery shows what the files say.
    readBytes: new Map(),
  }
}

/**
 * Why the merged results are not exactly the images the commit has to check (paths and blob
 * shas); empty when they are.
 */
export function coverageProblems(
  results: readonly ImageResult[],
  expected: readonly (ImageFile | RefusedPath)[],
): string[] {
  const wanted = new Map(expected.map((image) => [image.path, image.sha]))
  const got = new Map(results.map((result) => [result.path, result.sha]))
  const missing = [...wanted.keys()].filter((path) => !got.has(path))
  const extra = [...got.keys()].filter((path) => !wanted.has(path))
  const changed = [...wanted].filter(([path, sha]) => got.has(path) && got.get(path) !== sha)
  const named = (paths: readonly string[]) =>
    paths
      .slice(0, NAMED)
      .map((path) => safeText(path, 200))
      .join(', ') + (paths.length > NAMED ? ` and ${paths.length - NAMED} more` : '')
  const problems: string[] = []
  if (missing.length > 0) problems.push(`no result for ${named(missing)}`)
  if (extra.length > 0) problems.push(`results for paths it does not check: ${named(extra)}`)
  if (changed.length > 0)
    problems.push(`results of other content for ${named(changed.map(([path]) => path))}`)
  return problems
}
