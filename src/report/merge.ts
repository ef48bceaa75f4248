import { glob } from 'node:fs/promises'
import { isAbsolute, relative, resolve } from 'node:path'
import { errorMessage } from '../core/errors.js'
import { parsed, problem, type Parsed } from '../core/result.js'
import { WHOLE_RUN, describeShard } from '../core/shard.js'
import { byPath, type SkippedPath } from '../core/types.js'
import { safeText } from '../core/untrusted.js'
import { mergeVerdicts, type RecordedVerdict } from '../record/verdicts.js'
import { readResultsFile } from './results-file.js'
import type { RunReport } from './run-report.js'

/** A results file's report and the name the file is called by in messages. */
export interface NamedResults {
  name: string
  file: RunReport
}

function groupBy(files: readonly NamedResults[], key: (file: RunReport) => string) {
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

/**
 * The shards as the report one unsharded run would have made; the files have passed
 * `shardProblems`. A blob's newer verdict wins, and no time past `now` counts.
 */
export function mergeShards(files: readonly NamedResults[], now: number = Date.now()): RunReport {
  const first = files[0]?.file
  if (first === undefined) throw new Error('no results files to merge')
  const skipped = new Map<string, SkippedPath>()
  for (const { file } of files) for (const skip of file.skipped) skipped.set(skip.path, skip)
  const verdicts = new Map<string, RecordedVerdict>()
  for (const { file } of files) mergeVerdicts(verdicts, file.verdicts, now)
  const sum = (value: (file: RunReport) => number) =>
    files.reduce((total, { file }) => total + value(file), 0)
  return {
    repository: first.repository,
    sha: first.sha,
    scope: first.scope,
    shard: WHOLE_RUN,
    identity: first.identity,
    detector: first.detector,
    results: files.flatMap(({ file }) => file.results).sort(byPath),
    skipped: [...skipped.values()].sort(byPath),
    reused: sum((file) => file.reused),
    stats: {
      requests: sum((file) => file.stats.requests),
      retries: sum((file) => file.stats.retries),
      throttled: sum((file) => file.stats.throttled),
    },
    verdicts,
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
): Promise<Parsed<NamedResults[]>> {
  const files: NamedResults[] = []
  for (const path of paths) {
    const name = displayName(path, cwd)
    let read: Parsed<RunReport>
    try {
      read = await readResultsFile(path)
    } catch (error) {
      read = problem(safeText(errorMessage(error)))
    }
    if (!read.ok) return problem(`cannot use ${safeText(name)}: ${read.problem}`)
    files.push({ name, file: read.value })
  }
  return parsed(files)
}

/**
 * The results files `paths` name, as one report; or every reason they are not the shards 1..n of
 * one run. The one merge path of the action's `merge-results` and `aa-check merge`.
 */
export async function mergeResultsFiles(
  paths: readonly string[],
  cwd: string,
  now: number = Date.now(),
): Promise<Parsed<{ report: RunReport; files: NamedResults[] }>> {
  const loaded = await loadResultsFiles(paths, cwd)
  if (!loaded.ok) return loaded
  const problems = shardProblems(loaded.value)
  if (problems.length > 0) {
    return problem(`the files are not the shards 1..n of one run: ${problems.join('; ')}`)
  }
  return parsed({ report: mergeShards(loaded.value, now), files: loaded.value })
}
