import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { run, type ActionDeps } from '../../../src/action/main.js'
import { ConfigError } from '../../../src/core/errors.js'
import type { Detection } from '../../../src/detect/types.js'
import { StubDetector, passFull, reject } from '../../helpers/detector.js'
import {
  REPO,
  actionConfig,
  fakeOctokit,
  openPull,
  useFakeGitHub,
  type OpenedPull,
} from '../../helpers/github.js'
import { RecordingIo } from '../../helpers/io.js'
import { gitBlobSha } from '../../../src/core/blob-sha.js'
import { encodeRecordFile } from '../../../src/record/record-file.js'
import { identityHash } from '../../../src/record/verdicts.js'

const fake = useFakeGitHub()
const twoPeople = reject('InvalidFile.Content', 'Multiple persons detected in the image')

let dir = ''
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aa-main-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

interface RunResult {
  io: RecordingIo
  failed: string[]
  detector: StubDetector
}

/** The action's `run` in-process, on a pull_request event for `pull`, with fakes for the world. */
async function runOn(
  pull: OpenedPull,
  inputs: Record<string, string>,
  verdicts: Record<string, Detection> = {},
  draft = false,
): Promise<RunResult> {
  const eventPath = join(dir, `event-${Math.random()}.json`)
  await writeFile(
    eventPath,
    JSON.stringify({
      repository: { full_name: 'acme/photos' },
      pull_request: {
        number: pull.number,
        draft,
        head: { sha: pull.head, ref: 'feature', repo: { full_name: 'acme/photos' } },
        base: { sha: pull.base, ref: 'main', repo: { full_name: 'acme/photos' } },
      },
    }),
  )
  const io = new RecordingIo()
  const failed: string[] = []
  const detector = new StubDetector(verdicts)
  const deps: ActionDeps = {
    getConfig: () => actionConfig(inputs, { GITHUB_WORKSPACE: dir }),
    env: {
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_EVENT_PATH: eventPath,
      GITHUB_REPOSITORY: `${REPO.owner}/${REPO.repo}`,
    },
    io,
    createOctokit: () => fakeOctokit(fake.github),
    createDetector: () => ({ detector, name: 'the stub detector' }),
    setFailed: (message) => failed.push(message),
    now: () => Date.UTC(2026, 11, 2),
  }
  await run(deps)
  return { io, failed, detector }
}

describe('run', () => {
  it('fails the step once, with the message, on a config error', async () => {
    const io = new RecordingIo()
    const failed: string[] = []
    await run({
      getConfig: () => {
        throw new ConfigError('shard', 'must be "i/n"; got "x".')
      },
      env: {},
      io,
      createOctokit: () => fakeOctokit(fake.github),
      createDetector: () => ({ detector: new StubDetector(), name: 'stub' }),
      setFailed: (message) => failed.push(message),
      now: Date.now,
    })
    expect(failed).toEqual(['Input "shard" must be "i/n"; got "x".'])
  })

  it('fails the step naming the GitHub request, its status and the fix when listing files fails', async () => {
    const pull = openPull(fake.github, { 'a.jpg': 'a' })
    fake.github.faults.push({
      method: 'GET',
      path: /\/pulls\/7\/files$/,
      times: 1,
      status: 404,
      message: 'Not Found',
    })
    const { failed } = await runOn(pull, {}, { 'a.jpg': passFull })
    expect(failed).toHaveLength(1)
    expect(failed[0]).toMatch(
      /^GitHub API GET \/repos\/acme\/photos\/pulls\/7\/files failed: HTTP 404 Not Found\. .*`permissions: contents: read`\.$/,
    )
  })

  it('fails the step with the counts when an image is rejected', async () => {
    const pull = openPull(fake.github, { 'a.jpg': 'a', 'b.jpg': 'b' })
    const { failed, io } = await runOn(pull, {}, { 'a.jpg': passFull, 'b.jpg': twoPeople })
    expect(failed).toEqual(['1 of 2 images rejected (1 passed).'])
    expect(io.outputObject()).toMatchObject({ checked: '2', rejected: '1' })
  })

  it('says the success line and fails nothing when every image passes', async () => {
    const pull = openPull(fake.github, { 'a.jpg': 'a' })
    const { failed, io } = await runOn(pull, {}, { 'a.jpg': passFull })
    expect(failed).toEqual([])
    expect(io.messages('info')).toContain('All 1 images passed.')
  })

  it('skips a draft with skip-drafts: no detection, no comment', async () => {
    const pull = openPull(fake.github, { 'a.jpg': 'a' })
    const { failed, io, detector } = await runOn(pull, { 'skip-drafts': 'true' }, {}, true)
    expect(failed).toEqual([])
    expect(detector.paths).toEqual([])
    expect(io.messages('notice')[0]).toMatch(/^#7 is a draft: not checked \(skip-drafts\)/)
    expect(fake.github.comments.get(7) ?? []).toEqual([])
  })

  it('checks a symbolic link as its target, and rejects one that leaves the repository', async () => {
    const pull = openPull(fake.github, {
      'assets/blob.dat': 'pixels',
      'characters/bob.jpg': { content: '../assets/blob.dat', mode: '120000' },
      'characters/eve.jpg': { content: '../../secrets/x.jpg', mode: '120000' },
    })
    const { failed, detector, io } = await runOn(pull, {}, { 'characters/bob.jpg': twoPeople })
    expect(detector.paths).toEqual(['characters/bob.jpg'])
    expect(failed).toEqual(['2 of 2 images rejected (0 passed).'])
    const results = JSON.parse(io.outputs.get('results') ?? '[]') as {
      path: string
      code: string
    }[]
    expect(results.map((r) => [r.path, r.code])).toEqual([
      ['characters/bob.jpg', 'InvalidFile.Content'],
      ['characters/eve.jpg', 'InvalidURL'],
    ])
  })
})

describe('run with a record file', () => {
  const badBlob = gitBlobSha(new TextEncoder().encode('bad'))
  /** A record that says bad.jpg's content passed: anyone can compute its plain checksum. */
  const forgedRecord = () =>
    encodeRecordFile({
      identity: identityHash('stub detector v1'),
      scope: 'acme/photos',
      verdicts: new Map([
        [badBlob, { status: 'pass', bodystyle: 'full', at: Date.UTC(2026, 0, 1) }],
      ]),
    })

  it('ignores a record file the pull request itself adds (tracked at the head commit)', async () => {
    const pull = openPull(fake.github, { 'bad.jpg': 'bad', 'aa-record.json': forgedRecord() })
    // A checkout of the PR head puts the PR's file where the action reads its record.
    await writeFile(join(dir, 'aa-record.json'), forgedRecord())
    const { failed, detector, io } = await runOn(
      pull,
      { 'record-file': 'aa-record.json' },
      { 'bad.jpg': twoPeople },
    )
    expect(detector.paths).toEqual(['bad.jpg'])
    expect(failed).toEqual(['1 of 1 image rejected (0 passed).'])
    expect(io.messages('warning')[0]).toMatch(
      /^Ignoring the record file .*aa-record\.json: aa-record\.json is a file or link of the repository at this commit/,
    )
  })

  it('ignores a record file reached through a folder the pull request adds as a link', async () => {
    // cache/ is a link in the PR's tree; in a checkout it leads to the PR's own record.
    const pull = openPull(fake.github, {
      'bad.jpg': 'bad',
      'evil/aa-record.json': forgedRecord(),
      cache: { content: 'evil', mode: '120000' },
    })
    await mkdir(join(dir, 'evil'), { recursive: true })
    await writeFile(join(dir, 'evil/aa-record.json'), forgedRecord())
    await symlink('evil', join(dir, 'cache'))
    const { failed, detector, io } = await runOn(
      pull,
      { 'record-file': 'cache/aa-record.json' },
      { 'bad.jpg': twoPeople },
    )
    expect(detector.paths).toEqual(['bad.jpg'])
    expect(failed).toEqual(['1 of 1 image rejected (0 passed).'])
    expect(io.messages('warning')[0]).toContain(': cache is a file or link of the repository')
  })

  it('with record-key, trusts its own signed file and ignores one with a plain checksum', async () => {
    const pull = openPull(fake.github, { 'bad.jpg': 'bad' })
    await writeFile(join(dir, 'aa-record.json'), forgedRecord())
    // No comment: the file is the only record between the runs.
    const inputs = { 'record-file': 'aa-record.json', 'record-key': 's3cret', comment: 'never' }
    const first = await runOn(pull, inputs, { 'bad.jpg': twoPeople })
    expect(first.detector.paths).toEqual(['bad.jpg'])
    expect(first.io.messages('warning')[0]).toContain(
      'it is not signed with the record-key (anyone could have written it)',
    )
    // The run signed what it wrote: the next run reuses the reject and detects nothing.
    const second = await runOn(pull, inputs, {})
    expect(second.detector.paths).toEqual([])
    expect(second.failed).toEqual(['1 of 1 image rejected (0 passed).'])
  })
})

describe('run with merge-results', () => {
  /** Runs every shard of `count` with a results file, as a matrix would; returns the glob. */
  async function runShards(pull: OpenedPull, count: number, verdicts: Record<string, Detection>) {
    for (let index = 1; index <= count; index++) {
      const { failed } = await runOn(
        pull,
        { shard: `${index}/${count}`, 'results-file': `shards/${index}.json` },
        verdicts,
      )
      expect(failed.filter((f) => !f.includes('rejected'))).toEqual([])
    }
    return 'shards/*.json'
  }

  it('posts one report from the shards, with the record under the comment-key', async () => {
    const pull = openPull(fake.github, { 'a.jpg': 'a', 'b.jpg': 'b', 'c.jpg': 'c' })
    const verdicts = { 'a.jpg': passFull, 'b.jpg': twoPeople, 'c.jpg': passFull }
    const glob = await runShards(pull, 2, verdicts)
    const merged = await runOn(pull, { 'merge-results': glob, 'comment-key': 'photos' })
    expect(merged.failed).toEqual(['1 of 3 images rejected (2 passed).'])
    expect(fake.github.comments.get(7)).toHaveLength(1)
    // The next keyed run reuses every verdict the merge recorded.
    const next = await runOn(pull, { 'comment-key': 'photos' }, verdicts)
    expect(next.detector.paths).toEqual([])
  })

  it('applies its own accept, never a file\'s "accepted"', async () => {
    const pull = openPull(fake.github, { 'b.jpg': 'b' })
    const glob = await runShards(pull, 1, { 'b.jpg': twoPeople })
    const path = join(dir, 'shards/1.json')
    const file = JSON.parse(await readFile(path, 'utf8')) as {
      results: { status: string; sha: string }[]
    }
    for (const result of file.results) result.status = 'accepted'
    await writeFile(path, JSON.stringify(file))
    const forged = await runOn(pull, { 'merge-results': glob })
    expect(forged.failed).toEqual(['1 of 1 image rejected (0 passed).'])
    const sha = file.results[0]?.sha ?? ''
    const accepted = await runOn(pull, { 'merge-results': glob, accept: sha })
    expect(accepted.failed).toEqual([])
  })

  it('names results files of an older version (no blob SHAs) as such', async () => {
    const pull = openPull(fake.github, { 'a.jpg': 'a' })
    const glob = await runShards(pull, 1, { 'a.jpg': passFull })
    const path = join(dir, 'shards/1.json')
    const file = JSON.parse(await readFile(path, 'utf8')) as { results: Record<string, unknown>[] }
    for (const result of file.results) delete result.sha
    await writeFile(path, JSON.stringify(file))
    const old = await runOn(pull, { 'merge-results': glob })
    expect(old.failed[0]).toContain('written by an older version of the action, without blob SHAs')
  })

  it('refuses files whose results are not exactly the images of the commit', async () => {
    const pull = openPull(fake.github, { 'a.jpg': 'a', 'b.jpg': 'b' })
    const glob = await runShards(pull, 1, { 'a.jpg': passFull, 'b.jpg': twoPeople })
    const path = join(dir, 'shards/1.json')
    const file = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>
    await writeFile(path, JSON.stringify({ ...file, results: [] }))
    const empty = await runOn(pull, { 'merge-results': glob })
    expect(empty.failed).toEqual([
      'Input "merge-results" holds results that are not those of the images at ' +
        `${pull.head.slice(0, 7)}: no result for a.jpg, b.jpg. Every shard must check the same commit with the same include/exclude.`,
    ])
  })
})
