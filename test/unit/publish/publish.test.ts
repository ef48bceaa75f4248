import { describe, expect, it } from 'vitest'
import { annotate } from '../../../src/publish/publish.js'
import { toResult } from '../../../src/decide/decide.js'
import type { ActionIo, AnnotationProperties } from '../../../src/publish/action-io.js'

interface Said {
  kind: string
  message: string
  properties?: AnnotationProperties
}

function recorder(): { io: ActionIo; said: Said[] } {
  const said: Said[] = []
  const io: ActionIo = {
    debug: (message) => said.push({ kind: 'debug', message }),
    info: (message) => said.push({ kind: 'info', message }),
    notice: (message) => said.push({ kind: 'notice', message }),
    warning: (message, properties) =>
      said.push({ kind: 'warning', message, ...(properties === undefined ? {} : { properties }) }),
    error: (message, properties) =>
      said.push({ kind: 'error', message, ...(properties === undefined ? {} : { properties }) }),
    group: (_name, run) => run(),
    setOutput: () => undefined,
    writeSummary: () => Promise.resolve(),
  }
  return { io, said }
}

const results = [
  ...Array.from({ length: 3 }, (_, i) =>
    toResult(`err${i}.jpg`, 'u', { status: 'error', code: 'Timeout' }),
  ),
  ...Array.from({ length: 15 }, (_, i) =>
    toResult(`bad${i}.jpg`, 'u', { status: 'reject', code: 'InvalidFile.Content', message: 'two' }),
  ),
  toResult('ok.jpg', 'u', { status: 'pass', bodystyle: 'full' }),
]

describe('annotate', () => {
  it('annotates at most max-annotations files, rejections first, and counts the rest once', () => {
    const { io, said } = recorder()
    annotate(results, 10, io)
    expect(said.filter((s) => s.kind === 'error')).toHaveLength(10)
    expect(said.filter((s) => s.kind === 'warning')).toHaveLength(0)
    expect(said[0]).toEqual({
      kind: 'error',
      message: 'InvalidFile.Content: two',
      properties: { title: 'Rejected by the AnimateAnyone check', file: 'bad0.jpg' },
    })
    expect(said.filter((s) => s.kind === 'notice')).toEqual([
      {
        kind: 'notice',
        message:
          '8 more rejected or unchecked images are not annotated (max-annotations: 10); the job summary lists every image.',
      },
    ])
  })

  it('annotates errors as warnings after the rejections when there is room', () => {
    const { io, said } = recorder()
    annotate(results, 100, io)
    expect(said.map((s) => s.kind)).toEqual([
      ...Array<string>(15).fill('error'),
      'warning',
      'warning',
      'warning',
    ])
    expect(said.at(-1)?.properties).toEqual({ title: 'Not checked (error)', file: 'err2.jpg' })
  })

  it('with 0 annotates nothing and says how many', () => {
    const { io, said } = recorder()
    annotate(results, 0, io)
    expect(said.map((s) => s.kind)).toEqual(['notice'])
    expect(said[0]?.message).toMatch(/^18 more/)
  })
})
