import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { decodeRecord } from '../../src/record/comment-record.js'
import type { Reply } from '../fakes/dashscope.js'
import { runAction, type ActionRun } from './harness.js'
import { API_KEY, openPull, resultsOf, runOnPull, useFakes } from './setup.js'

const fakes = useFakes()

/** Verdicts and request ids that depend only on the image's path, so two runs answer alike. */
function deterministicVerdicts(): void {
  fakes.dashscope.script = (call): Reply => {
    const name = call.imageUrl.split('/').pop() ?? ''
    if (name.startsWith('bad'))
      return {
        status: 400,
        json: {
          code: 'InvalidFile.Content',
          message: 'No person found.',
          request_id: `rid-${name}`,
        },
      }
    return {
      status: 200,
      json: {
        output: { check_pass: true, bodystyle: 'full' },
        usage: { image_count: 1 },
        request_id: `rid-${name}`,
      },
    }
  }
}

let dir = ''
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aa-scale-'))
  deterministicVerdicts()
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

function audit(sha: string, inputs: Record<string, string> = {}, repository = 'acme/photos') {
  return runAction({
    eventName: 'workflow_dispatch',
    payload: { inputs: {} },
    repository,
    sha,
    ref: 'refs/heads/main',
    apiUrl: fakes.github.url,
    inputs: {
      'api-key': API_KEY,
      endpoint: fakes.dashscope.endpoint,
      'rate-limit': '300',
      concurrency: '8',
      ...inputs,
    },
  })
}

/** 12 images, two of them rejected, two paths sharing one content. */
function photos(): Record<string, string> {
  const files: Record<string, string> = { 'README.md': '# photos' }
  for (let i = 0; i < 10; i++) files[`people/p${i}.jpg`] = `person ${i}`
  files['people/bad0.jpg'] = 'nobody 0'
  files['copies/p3.jpg'] = 'person 3'
  return files
}

const outputsOf = (run: ActionRun) => ({
  exitCode: run.exitCode,
  results: run.outputs.results,
  checked: run.outputs.checked,
  passed: run.outputs.passed,
  rejected: run.outputs.rejected,
  errors: run.outputs.errors,
})

describe('record-file', () => {
  it('makes a second audit free and a changed blob cost one call', async () => {
    const record = join(dir, 'cache/aa-record.json')
    const first = fakes.github.git.commit(photos())
    const run1 = await audit(first, { 'record-file': record })
    expect(run1.exitCode).toBe(1)
    expect(fakes.dashscope.calls).toHaveLength(11)
    expect(run1.stdout).toContain(`No record file at ${record} yet`)
    expect(JSON.parse(await readFile(record, 'utf8'))).toMatchObject({
      version: 1,
      scope: 'acme/photos',
      count: 11,
    })

    const run2 = await audit(first, { 'record-file': record })
    expect(fakes.dashscope.calls).toHaveLength(11)
    expect(outputsOf(run2)).toEqual(outputsOf(run1))
    expect(run2.stdout).toContain(`Record file ${record}: 11 recorded verdict(s).`)
    expect(run2.summary).toContain('11 verdicts reused from earlier runs')

    const changed = fakes.github.git.amend(first, { 'people/p5.jpg': 'person 5, retaken' })
    const run3 = await audit(changed, { 'record-file': record })
    expect(fakes.dashscope.calls).toHaveLength(12)
    expect(fakes.dashscope.calls[11]?.imageUrl).toMatch(/people\/p5\.jpg$/)
    expect(run3.outputs.checked).toBe('12')
  })

  it('ignores a tampered file with a warning and detects everything again', async () => {
    const record = join(dir, 'aa-record.json')
    const sha = fakes.github.git.commit(photos())
    await audit(sha, { 'record-file': record })
    const json = JSON.parse(await readFile(record, 'utf8')) as { verdict: number[] }
    // Turn the rejection into a pass, as someone editing the file by hand would.
    json.verdict = json.verdict.map(() => 0)
    await writeFile(record, JSON.stringify(json))
    fakes.dashscope.calls.length = 0

    const run = await audit(sha, { 'record-file': record })
    expect(run.stdout).toContain(
      `::warning::Ignoring the record file ${record}: its checksum does not match its content (damaged or edited).`,
    )
    expect(fakes.dashscope.calls).toHaveLength(11)
    expect(run.exitCode).toBe(1)
    expect(run.outputs.rejected).toBe('1')
  })

  it('ignores a file of another detector or another repository', async () => {
    const record = join(dir, 'aa-record.json')
    const sha = fakes.github.git.commit(photos())
    await audit(sha, { 'record-file': record })
    fakes.dashscope.calls.length = 0

    const otherModel = await audit(sha, { 'record-file': record, model: 'another-model' })
    expect(otherModel.stdout).toContain(
      `::warning::Ignoring the record file ${record}: its verdicts came from another backend, endpoint or model.`,
    )
    expect(fakes.dashscope.calls).toHaveLength(11)
    // That run rewrote the file for its own model; a copy of it in another repository is foreign.
    fakes.dashscope.calls.length = 0
    const otherRepo = await audit(
      sha,
      { 'record-file': record, model: 'another-model' },
      'acme/other',
    )
    expect(otherRepo.stdout).toContain(
      `::warning::Ignoring the record file ${record}: it belongs to acme/photos, not acme/other.`,
    )
    expect(fakes.dashscope.calls).toHaveLength(11)
  })

  it("is used on a pull request together with the comment's record", async () => {
    const record = join(dir, 'aa-record.json')
    const { payload, head } = openPull(fakes.github, {
      'people/p1.jpg': 'person 1',
      'people/new.jpg': 'someone new',
    })
    // The nightly audit of main knew person 1.
    await audit(fakes.github.git.commit({ 'people/p1.jpg': 'person 1' }), {
      'record-file': record,
    })
    expect(fakes.dashscope.calls).toHaveLength(1)
    const run = await runOnPull(fakes, payload, { 'record-file': record })
    expect(run.exitCode).toBe(0)
    expect(fakes.dashscope.calls).toHaveLength(2)
    expect(fakes.dashscope.calls[1]?.imageUrl).toContain(`${head}/people/new.jpg`)
    // A push with nothing new: the comment's record and the file cover both.
    const again = await runOnPull(fakes, payload, { 'record-file': record })
    expect(again.exitCode).toBe(0)
    expect(fakes.dashscope.calls).toHaveLength(2)
    expect(JSON.parse(await readFile(record, 'utf8'))).toMatchObject({ count: 2 })
  })
})

describe('shard', () => {
  it('splits the images by content over 3 shards: every image once, copies together', async () => {
    const sha = fakes.github.git.commit(photos())
    const seen: string[][] = []
    for (const index of [1, 2, 3]) {
      const run = await audit(sha, { shard: `${index}/3` })
      expect(run.stdout).toContain(
        `shard ${index}/3: using rate-limit 300/3 = 100 requests/s — the shards share one account.`,
      )
      seen.push(resultsOf(run).map((r) => String(r.path)))
    }
    const all = seen.flat().sort()
    expect(all).toEqual(
      Object.keys(photos())
        .filter((p) => p.endsWith('.jpg'))
        .sort(),
    )
    expect(new Set(all).size).toBe(all.length)
    const withCopies = seen.filter((paths) => paths.includes('people/p3.jpg'))
    expect(withCopies).toHaveLength(1)
    expect(withCopies[0]).toContain('copies/p3.jpg')
    // One call per distinct content, over all shards together.
    expect(fakes.dashscope.calls).toHaveLength(11)
    expect(seen.every((paths) => paths.length > 0)).toBe(true)
  })

  it('counts max-images per shard', async () => {
    const sha = fakes.github.git.commit(photos())
    const whole = await audit(sha, { 'max-images': '8' })
    expect(whole.exitCode).toBe(1)
    expect(whole.stdout).toContain('more than max-images (8)')
    const runs = await Promise.all(
      [1, 2, 3].map((i) => audit(sha, { 'max-images': '8', shard: `${i}/3` })),
    )
    expect(runs.map((run) => run.stdout.includes('more than max-images'))).toEqual([
      false,
      false,
      false,
    ])
  })
})

describe('merge-results', () => {
  async function shardsOnPull(payload: object, count: number) {
    const runs: ActionRun[] = []
    for (let index = 1; index <= count; index++) {
      runs.push(
        await runOnPull(fakes, payload, {
          shard: `${index}/${count}`,
          'results-file': join(dir, `shard-${index}.json`),
        }),
      )
    }
    return runs
  }

  it('publishes 3 shards of a pull request exactly as one unsharded run', async () => {
    const files: Record<string, string> = {}
    for (let i = 0; i < 15; i++) files[`people/p${String(i).padStart(2, '0')}.jpg`] = `person ${i}`
    files['people/bad1.jpg'] = 'nobody 1'
    files['people/bad2.jpg'] = 'nobody 2'
    files['copies/p03.jpg'] = 'person 3'
    const { payload } = openPull(fakes.github, files)

    const single = await runOnPull(fakes, payload)
    const singleComment = fakes.github.comments.get(7)?.[0]?.body ?? ''
    expect(single.exitCode).toBe(1)
    fakes.github.comments.clear()
    fakes.dashscope.calls.length = 0

    const shards = await shardsOnPull(payload, 3)
    expect(fakes.github.comments.get(7) ?? []).toHaveLength(0)
    expect(
      shards.filter((run) =>
        run.stdout.includes(
          'not commenting on #7; the step with merge-results posts the one report',
        ),
      ),
    ).toHaveLength(3)
    expect(fakes.dashscope.calls).toHaveLength(17)

    const callsBefore = fakes.dashscope.calls.length
    const merged = await runOnPull(fakes, payload, { 'merge-results': `${dir}/shard-*.json` })
    expect(fakes.dashscope.calls).toHaveLength(callsBefore)
    expect(merged.exitCode).toBe(single.exitCode)
    expect(outputsOf(merged)).toEqual(outputsOf(single))
    expect(merged.summary).toBe(single.summary)
    const mergedComment = fakes.github.comments.get(7)?.[0]?.body ?? ''
    const report = (body: string) => body.replace(/<!-- animate-anyone-check:record [^>]*-->/, '')
    expect(report(mergedComment)).toBe(report(singleComment))
    expect([...(decodeRecord(mergedComment)?.verdicts.keys() ?? [])].sort()).toEqual(
      [...(decodeRecord(singleComment)?.verdicts.keys() ?? [])].sort(),
    )
    expect(merged.stdout).toContain('::error::2 of 18 images rejected (16 passed).')
    expect(single.stdout).toContain('::error::2 of 18 images rejected (16 passed).')

    // The merged comment's record serves the next push: nothing is detected again.
    const rerun = await runOnPull(fakes, payload)
    expect(fakes.dashscope.calls).toHaveLength(callsBefore)
    expect(rerun.exitCode).toBe(1)
  })

  it('fails, naming them, when a shard is missing or appears twice', async () => {
    const { payload } = openPull(fakes.github, { 'a.jpg': 'a', 'b.jpg': 'b', 'c.jpg': 'c' })
    await shardsOnPull(payload, 3)
    await rm(join(dir, 'shard-2.json'))
    await copyFile(join(dir, 'shard-1.json'), join(dir, 'shard-1-again.json'))
    const run = await runOnPull(fakes, payload, { 'merge-results': `${dir}/shard-*.json` })
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toContain(
      `::error::Input "merge-results" cannot be merged: the files are not the shards 1..n of one run: shard 2/3 is missing; shard 1/3 appears twice (${dir}/shard-1-again.json, ${dir}/shard-1.json).`,
    )
    expect(fakes.github.comments.get(7) ?? []).toHaveLength(0)
  })

  it('fails when nothing matches, or the files are of another commit', async () => {
    const { payload } = openPull(fakes.github, { 'a.jpg': 'a' })
    const none = await runOnPull(fakes, payload, { 'merge-results': `${dir}/nothing-*.json` })
    expect(none.exitCode).toBe(1)
    expect(none.stdout).toContain('::error::Input "merge-results" matched no files')

    await shardsOnPull(payload, 1)
    const later = openPull(fakes.github, { 'a.jpg': 'a2' })
    const stale = await runOnPull(fakes, later.payload, { 'merge-results': `${dir}/shard-*.json` })
    expect(stale.exitCode).toBe(1)
    expect(stale.stdout).toMatch(
      /::error::Input "merge-results" names results of commit [0-9a-f]{7}, but this run is of [0-9a-f]{7}: download this workflow run's artifacts\./,
    )
  })
})
