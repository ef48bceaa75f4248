import { glob } from 'node:fs/promises'
import { isAbsolute, relative, resolve } from 'node:path'
import type { Config } from '../config/config.js'
import { countResults, decideVerdict, type ImageResult } from '../decide/decide.js'
import type { DetectorStats } from '../detect/types.js'
import { headOf } from '../gather/gather.js'
import type { Octokit } from '../github/api.js'
import { reportLinks } from './links.js'
import { VerdictCache, type VerdictRecord } from '../record/comment-record.js'
import { ConfigError, errorMessage } from '../core/errors.js'
import { safeText } from '../core/untrusted.js'
import { findPullRequestComment, recordScope, type CheckReport } from '../action/pipeline.js'
import type { ActionIo } from '../action/io.js'
import { readResultsFile, type ReadResults } from './results-file.js'
import { describeShard } from '../core/shard.js'
import type { Trigger } from '../core/types.js'

/** A results file and the name it is called by in messages. */
export interface NamedResults {
  name: string
  file: ReadResults
}

const byPath = (a: { path: string }, b: { path: string }) =>
  a.path < b.path ? -1 : a.path > b.path ? 1 : 0

function groupBy(files: readonly NamedResults[], key: (file: ReadResults) => string) {
  const groups = new Map<string, string[]>()
  for (const { name, file } of files) {
    const value = key(file)
    groups.set(value, [...(groups.get(value) ?? []), name])
  }
  return groups
}

const listed = (groups: Map<string, string[]>, show: (value: string) => string = safeText) =>
  [...groups].map(([value, names]) => `${show(value)} (${names.join(', ')})`).join(', ')

const times = (count: number) => (count === 2 ? 'twice' : `${count} times`)

/**
 * Why these files are not the shards 1..n of one run (same repository, commit and detector, each
 * shard exactly once, no path in two of them); empty when they are. File names are shown safe.
 */
export function shardProblems(files: readonly NamedResults[]): string[] {
  if (files.length === 0) return ['there are no results files']
  const problems: string[] = []
  const safe = files.map(({ name, file }) => ({ name: safeText(name), file }))
  const repositories = groupBy(safe, (file) => file.repository)
  if (repositories.size > 1)
    problems.push(`the files are of different repositories: ${listed(repositories)}`)
  const commits = groupBy(safe, (file) => file.sha)
  if (commits.size > 1)
    problems.push(
      `the files are of different commits: ${listed(commits, (sha) => safeText(sha.slice(0, 7)))}`,
    )
  const identities = groupBy(safe, (file) => file.identity)
  if (identities.size > 1)
    problems.push(
      `the files come from different detectors (backend, endpoint or model): ${listed(identities, (id) => id.slice(0, 8))}`,
    )
  const splits = groupBy(safe, (file) => String(file.shard.count))
  if (splits.size > 1) {
    problems.push(
      `the files split the run differently: ${listed(splits, (count) => `${count} shards`)}`,
    )
    return problems
  }
  const count = safe[0]?.file.shard.count ?? 1
  const byShard = groupBy(safe, (file) => String(file.shard.index))
  const repeatedShards: string[] = []
  for (let index = 1; index <= count; index++) {
    const names = byShard.get(String(index)) ?? []
    const shard = describeShard({ index, count })
    if (names.length === 0) problems.push(`shard ${shard} is missing`)
    if (names.length > 1)
      repeatedShards.push(`shard ${shard} appears ${times(names.length)} (${names.join(', ')})`)
  }
  problems.push(...repeatedShards)
  if (problems.length > 0) return problems
  const owner = new Map<string, string>()
  const repeated: string[] = []
  for (const { name, file } of safe) {
    for (const result of file.results) {
      const first = owner.get(result.path)
      if (first === undefined) owner.set(result.path, name)
      else if (repeated.length < 3)
        repeated.push(`${safeText(result.path)} is in both ${first} and ${name}`)
    }
  }
  if (repeated.length > 0) problems.push(...repeated)
  return problems
}

export interface MergedResults {
  repository: string
  sha: string
  scope: string
  identity: string
  detector: string
  /** In path order, as one unsharded run lists them. */
  results: ImageResult[]
  skipped: { path: string; reason: string }[]
  reused: number
  stats: DetectorStats
  record: VerdictRecord
}

/** The shards as one run; the files have passed `shardProblems`. */
export function mergeShards(files: readonly NamedResults[]): MergedResults {
  const first = files[0]?.file
  if (first === undefined) throw new Error('no results files to merge')
  const results = files.flatMap(({ file }) => file.results).sort(byPath)
  const skipped = new Map<string, { path: string; reason: string }>()
  for (const { file } of files) for (const skip of file.skipped) skipped.set(skip.path, skip)
  const verdicts = new Map(first.record.verdicts)
  for (const { file } of files.slice(1)) {
    for (const [sha, verdict] of file.record.verdicts) {
      const known = verdicts.get(sha)
      if (known === undefined || known.at < verdict.at) verdicts.set(sha, verdict)
    }
  }
  const sum = (value: (file: ReadResults) => number) =>
    files.reduce((total, { file }) => total + value(file), 0)
  return {
    repository: first.repository,
    sha: first.sha,
    scope: first.scope,
    identity: first.identity,
    detector: first.detector,
    results,
    skipped: [...skipped.values()].sort(byPath),
    reused: sum((file) => file.reused),
    stats: {
      requests: sum((file) => file.stats.requests),
      retries: sum((file) => file.stats.retries),
      throttled: sum((file) => file.stats.throttled),
    },
    record: { identity: first.identity, scope: first.repository, verdicts },
  }
}

/** The files the globs match under `cwd` (relative globs) or anywhere (absolute ones), sorted. */
export async function findResultsFiles(
  patterns: readonly string[],
  cwd: string,
): Promise<string[]> {
  const found = new Set<string>()
  for (const pattern of patterns) {
    for await (const match of glob(pattern, { cwd })) found.add(resolve(cwd, match))
  }
  return [...found].sort()
}

/** A path as messages show it: relative to `cwd` when it lies inside. */
export function displayName(path: string, cwd: string): string {
  const inside = relative(cwd, path)
  return inside !== '' && !inside.startsWith('..') && !isAbsolute(inside) ? inside : path
}

/** Reads every file, or says which one cannot be used and why. */
export async function loadResultsFiles(
  paths: readonly string[],
  cwd: string,
): Promise<{ files: NamedResults[] } | { problem: string }> {
  const files: NamedResults[] = []
  for (const path of paths) {
    const name = displayName(path, cwd)
    try {
      files.push({ name, file: await readResultsFile(path) })
    } catch (error) {
      return { problem: `cannot use ${safeText(name)}: ${safeText(errorMessage(error))}` }
    }
  }
  return { files }
}

export interface MergeOptions {
  config: Config
  trigger: Trigger
  octokit: Octokit
  io: ActionIo
  /** GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_RUN_ID… for the report's links. */
  env?: NodeJS.ProcessEnv
}

/**
 * `merge-results`: the shards' files as the report one unsharded run would have made, for
 * `publish`. Nothing is detected; every check that the files are one whole run comes first.
 */
export async function mergeReport(options: MergeOptions): Promise<CheckReport> {
  const { config, trigger, io } = options
  const cwd = config.workspace ?? process.cwd()
  const paths = await findResultsFiles(config.mergeResults, cwd)
  if (paths.length === 0) {
    throw new ConfigError(
      'merge-results',
      `matched no files (${config.mergeResults.map((p) => `"${safeText(p)}"`).join(', ')} in ${safeText(cwd)}): did every shard upload its results-file, and did actions/download-artifact put them there?`,
    )
  }
  const loaded = await loadResultsFiles(paths, cwd)
  if ('problem' in loaded) throw new ConfigError('merge-results', `${loaded.problem}.`)
  const { files } = loaded
  const problems = shardProblems(files)
  if (problems.length > 0) {
    throw new ConfigError(
      'merge-results',
      `names files that are not the shards 1..n of one run: ${problems.join('; ')}.`,
    )
  }
  const merged = mergeShards(files)
  const head = headOf(trigger)
  const repository = `${head.gitRepo.owner}/${head.gitRepo.repo}`
  if (merged.repository !== repository) {
    throw new ConfigError(
      'merge-results',
      `names results of ${safeText(merged.repository)}, but this run is of ${repository}.`,
    )
  }
  if (merged.sha !== head.sha) {
    throw new ConfigError(
      'merge-results',
      `names results of commit ${safeText(merged.sha.slice(0, 7))}, but this run is of ${head.sha.slice(0, 7)}: download this workflow run's artifacts.`,
    )
  }
  const count = files[0]?.file.shard.count ?? 1
  io.info(
    `Merged ${count} shard(s) of ${safeText(merged.scope)}: ${files.map(({ name }) => safeText(name)).join(', ')}.`,
  )
  const cache = new VerdictCache({ hashed: merged.identity }, recordScope(trigger))
  cache.absorb(merged.record)
  const counts = countResults(merged.results)
  return {
    results: merged.results,
    counts,
    verdict: decideVerdict(counts, config),
    scope: merged.scope,
    head,
    skipped: merged.skipped,
    reused: merged.reused,
    stats: merged.stats,
    detectorName: merged.detector,
    pullRequest: await findPullRequestComment(options),
    links: reportLinks(head.repo, options.env ?? process.env),
    cache,
  }
}
