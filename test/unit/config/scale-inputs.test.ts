import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseConfig } from '../../../src/config/config.js'

const reader =
  (values: Record<string, string>) =>
  (name: string): string =>
    values[name] ?? ''

describe('record-file, shard, results-file and merge-results', () => {
  it('default to off and 1/1', () => {
    expect(parseConfig(reader({}))).toMatchObject({
      recordFile: undefined,
      shard: { index: 1, count: 1 },
      resultsFile: undefined,
      mergeResults: [],
    })
  })

  it('resolve relative paths against GITHUB_WORKSPACE, and keep absolute ones', () => {
    const config = parseConfig(
      reader({ 'record-file': 'cache/aa-record.json', 'results-file': '/tmp/r.json' }),
      { GITHUB_WORKSPACE: '/home/runner/work/photos' },
    )
    expect(config.recordFile).toBe('/home/runner/work/photos/cache/aa-record.json')
    expect(config.resultsFile).toBe(resolve('/tmp/r.json'))
  })

  it('read merge-results as globs by newline or comma', () => {
    const config = parseConfig(reader({ 'merge-results': 'a/*.json\nb/{x,y}.json, c.json' }))
    expect(config.mergeResults).toEqual(['a/*.json', 'b/{x,y}.json', 'c.json'])
  })

  it('name the input when shard is malformed', () => {
    expect(() => parseConfig(reader({ shard: '3/2' }))).toThrow(/^Input "shard" must be "i\/n"/)
  })

  it('refuse merge-results in a shard', () => {
    expect(() => parseConfig(reader({ shard: '1/2', 'merge-results': '*.json' }))).toThrow(
      /^Input "merge-results" merges the shards' results and detects nothing/,
    )
  })
})
