import { execFileSync } from 'node:child_process'
import { createHash, randomUUID } from 'node:crypto'
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  decodeRecordFile,
  encodeRecordFile,
  readRecordFile,
  recordToJson,
  writeRecordFile,
} from '../../../src/record/record-file.js'
import type { Logger } from '../../../src/core/log.js'
import { VerdictCache, identityHash, type VerdictRecord } from '../../../src/record/verdicts.js'

const IDENTITY = identityHash('dashscope https://example.com/aa m')
const sha = (i: number) => i.toString(16).padStart(40, '0')

function record(count: number, start = Date.UTC(2026, 0, 1)): VerdictRecord {
  const verdicts: VerdictRecord['verdicts'] = new Map()
  for (let i = 0; i < count; i++) {
    // Ten runs a day apart; a tenth of the images rejected, with a few distinct messages.
    const at = start + Math.floor(i / (count / 10)) * 86_400_000 + (i % 1000) * 7
    verdicts.set(
      sha(i),
      i % 10 === 0
        ? {
            status: 'reject',
            code: 'InvalidFile.BodyPose',
            message: `The body pose is not supported (${i % 5}).`,
            requestId: randomUUID(),
            at,
          }
        : { status: 'pass', bodystyle: i % 3 === 0 ? 'half' : 'full', requestId: randomUUID(), at },
    )
  }
  return { identity: IDENTITY, scope: 'acme/photos', verdicts }
}

function recorder(): Logger & { lines: string[] } {
  const lines: string[] = []
  return {
    lines,
    debug: () => undefined,
    info: (line) => lines.push(`info: ${line}`),
    notice: (line) => lines.push(`notice: ${line}`),
    warning: (line) => lines.push(`warning: ${line}`),
  }
}

describe('record file format', () => {
  it('round-trips every verdict (times to the second)', () => {
    const original = record(1000)
    const parsed = decodeRecordFile(encodeRecordFile(original))
    if (!parsed.ok) throw new Error(parsed.problem)
    expect(parsed.value.identity).toBe(IDENTITY)
    expect(parsed.value.scope).toBe('acme/photos')
    expect(parsed.value.verdicts.size).toBe(1000)
    for (const [key, verdict] of original.verdicts) {
      expect(parsed.value.verdicts.get(key)).toEqual({
        ...verdict,
        at: Math.floor(verdict.at / 1000) * 1000,
      })
    }
  })

  it('holds 100,000 images in under 10 MB', () => {
    const text = encodeRecordFile(record(100_000))
    const bytes = Buffer.byteLength(text)
    expect(bytes).toBeLessThan(10 * 1024 * 1024)
    const parsed = decodeRecordFile(text)
    expect(parsed.ok && parsed.value.verdicts.size).toBe(100_000)
  })

  it('writes each distinct verdict once', () => {
    expect(recordToJson(record(1000)).verdicts.length).toBeLessThanOrEqual(1 + 2 + 5)
  })

  it('ignores an edited file as a whole (checksum)', () => {
    const json = recordToJson(record(10))
    json.verdict[3] = json.verdict[3] === 0 ? 1 : 0
    expect(decodeRecordFile(JSON.stringify(json))).toEqual({
      ok: false,
      problem: 'its checksum does not match its content (damaged or edited)',
    })
  })

  it.each([
    ['not JSON', '{"version":1,', 'it is not valid JSON'],
    ['an array', '[]', 'it is not a JSON object'],
    ['another file', '{"name":"x"}', 'it is not a verdict record'],
    [
      'a newer version',
      '{"version":2,"entries":{}}',
      'it was written by a newer version of the action (record version 2; this one reads 1)',
    ],
  ])('ignores %s', (_, text, problem) => {
    expect(decodeRecordFile(text)).toEqual({ ok: false, problem })
  })

  it('never uses part of a file: one malformed entry and nothing is read', () => {
    const json = recordToJson(record(10))
    const { checksum: _checksum, ...body } = json
    body.shas[4] = 'not-a-sha'
    const resigned = {
      ...body,
      checksum: createHash('sha256').update(JSON.stringify(body)).digest('hex'),
    }
    expect(decodeRecordFile(JSON.stringify(resigned))).toEqual({
      ok: false,
      problem: 'entry 5 is malformed',
    })
  })
})

describe('readRecordFile and writeRecordFile', () => {
  let dir = ''
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'aa-record-'))
  })
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('writes atomically (no temporary file left) and reads back its own file', async () => {
    const path = join(dir, 'nested/aa-record.json')
    await writeRecordFile(path, record(20))
    expect(await readdir(join(dir, 'nested'))).toEqual(['aa-record.json'])
    const log = recorder()
    const read = await readRecordFile(
      path,
      { identity: IDENTITY, scope: 'acme/photos', key: '' },
      log,
    )
    expect(read?.verdicts.size).toBe(20)
    expect(log.lines).toEqual([])
  })

  it('says a missing file is written at the end, without a warning', async () => {
    const log = recorder()
    const path = join(dir, 'none.json')
    expect(
      await readRecordFile(path, { identity: IDENTITY, scope: 'acme/photos', key: '' }, log),
    ).toBeUndefined()
    expect(log.lines).toEqual([
      `info: No record file at ${path} yet: it is written at the end of this run.`,
    ])
  })

  it.each([
    [
      'another repository',
      { identity: IDENTITY, scope: 'evil/fork', key: '' },
      'it belongs to acme/photos, not evil/fork.',
    ],
    [
      'another detector',
      { identity: identityHash('local'), scope: 'acme/photos', key: '' },
      'its verdicts came from another backend, endpoint or model.',
    ],
  ])('ignores a file of %s with a warning', async (_, expected, reason) => {
    const path = join(dir, 'aa-record.json')
    await writeRecordFile(path, record(5))
    const log = recorder()
    expect(await readRecordFile(path, expected, log)).toBeUndefined()
    expect(log.lines).toEqual([`warning: Ignoring the record file ${path}: ${reason}`])
  })

  it('refuses a FIFO or a device before reading anything from it', async () => {
    const fifo = join(dir, 'aa-record.fifo')
    execFileSync('mkfifo', [fifo])
    for (const path of [fifo, '/dev/zero']) {
      const log = recorder()
      const started = performance.now()
      expect(
        await readRecordFile(path, { identity: IDENTITY, scope: 'acme/photos', key: '' }, log),
      ).toBeUndefined()
      expect(performance.now() - started).toBeLessThan(2000)
      expect(log.lines).toEqual([
        `warning: Ignoring the record file ${path}: it is not a regular file.`,
      ])
    }
  })

  it('with a record-key, trusts only a file signed with that key', async () => {
    const path = join(dir, 'aa-record.json')
    const expected = { identity: IDENTITY, scope: 'acme/photos', key: 'k3y' }
    await writeRecordFile(path, record(5), 'k3y')
    expect(JSON.parse(await readFile(path, 'utf8'))).toMatchObject({
      checksum: expect.stringMatching(/^hmac-sha256:[0-9a-f]{64}$/) as unknown,
    })
    expect((await readRecordFile(path, expected, recorder()))?.verdicts.size).toBe(5)

    const cases: [string, () => Promise<void>, string][] = [
      [
        'unsigned (its plain checksum is public)',
        () => writeRecordFile(path, record(5)),
        'it is not signed with the record-key (anyone could have written it)',
      ],
      [
        'signed with another key',
        () => writeRecordFile(path, record(5), 'other'),
        'its signature does not match its content under the record-key (edited, or another key)',
      ],
    ]
    for (const [, write, reason] of cases) {
      await write()
      const log = recorder()
      expect(await readRecordFile(path, expected, log)).toBeUndefined()
      expect(log.lines).toEqual([`warning: Ignoring the record file ${path}: ${reason}.`])
    }
    await writeRecordFile(path, record(5), 'k3y')
    const log = recorder()
    expect(await readRecordFile(path, { ...expected, key: '' }, log)).toBeUndefined()
    expect(log.lines[0]).toContain('signed with a record-key, and this run has none')
  })

  it('shows a hostile file name safely in the warning', async () => {
    const path = join(dir, 'bad\n::error::x.json')
    await writeFile(path, 'garbage')
    const log = recorder()
    await readRecordFile(path, { identity: IDENTITY, scope: 'acme/photos', key: '' }, log)
    expect(log.lines[0]).toContain('bad\\n::error::x.json')
    expect(log.lines[0]).not.toContain('\n')
  })

  it('feeds a VerdictCache: the newer verdict of a blob wins, another identity adds nothing', async () => {
    const cache = new VerdictCache('dashscope https://example.com/aa m', 'acme/photos#7')
    cache.remember(sha(1), { status: 'reject', code: 'InvalidURL' })
    const file = record(3, Date.UTC(2020, 0, 1))
    expect(cache.absorb(file)).toBe(2)
    expect(cache.get(sha(1))).toMatchObject({ status: 'reject', code: 'InvalidURL' })
    expect(cache.has(sha(2))).toBe(true)
    expect(cache.absorb({ ...file, identity: identityHash('local') })).toBeUndefined()
    const path = join(dir, 'r.json')
    await writeRecordFile(path, { ...cache.toRecord(), scope: 'acme/photos' })
    expect(JSON.parse(await readFile(path, 'utf8'))).toMatchObject({
      count: 3,
      scope: 'acme/photos',
    })
  })
})
