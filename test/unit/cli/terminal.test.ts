import { describe, expect, it } from 'vitest'
import type { ImageResult } from '../../../src/decide/decide.js'
import {
  countsLine,
  plural,
  recapLines,
  reportSkipped,
  skippedFormats,
} from '../../../src/cli/terminal.js'
import { RecordingCliIo } from '../../helpers/io.js'

const result = (path: string, status: ImageResult['status'], code: string | null = null) =>
  ({
    path,
    url: path,
    status,
    bodystyle: status === 'pass' ? 'full' : null,
    code,
    message: code === null ? null : 'why',
    requestId: null,
    sha: null,
  }) as ImageResult

describe('counts', () => {
  it('says "1 error" and "2 errors"', () => {
    expect(plural(1, 'error')).toBe('1 error')
    expect(plural(2, 'error')).toBe('2 errors')
    expect(plural(0, 'file')).toBe('0 files')
    expect(countsLine([result('a.jpg', 'error', 'InvalidURL')])).toBe(
      '1 checked: 0 passed, 0 rejected, 1 error',
    )
    expect(countsLine([result('a.jpg', 'pass'), result('b.jpg', 'accepted', 'X')])).toBe(
      '2 checked: 1 passed, 0 rejected, 1 accepted, 0 errors',
    )
  })
})

describe('recapLines', () => {
  it('lists the rejected files, then those that could not be checked, in input order', () => {
    const results = [
      result('b.jpg', 'reject', 'InvalidFile.BodyPose'),
      result('a.jpg', 'pass'),
      result('c.jpg', 'error', 'InvalidURL'),
      result('d.jpg', 'reject', 'InvalidFile.Content'),
    ]
    expect(recapLines(results)).toEqual([
      'Rejected (2):',
      '  b.jpg  InvalidFile.BodyPose',
      '  d.jpg  InvalidFile.Content',
      'Could not be checked (1):',
      '  c.jpg  InvalidURL',
    ])
    expect(recapLines([result('a.jpg', 'pass')])).toEqual([])
  })

  it('shows control characters in a path as escapes', () => {
    expect(recapLines([result('x\u001b[31m.jpg', 'reject', 'C')])[1]).not.toContain('\u001b')
  })
})

describe('reportSkipped', () => {
  it('names the kinds of file left out and the --include that left them out', () => {
    const io = new RecordingCliIo()
    reportSkipped(['d/a.txt', 'd/b.txt', 'd/anim.gif', 'd/Makefile'], io, ['**/*.jpg'])
    expect(io.err).toBe(
      'Skipped 4 files (.txt ×2, .gif, no extension) that --include (**/*.jpg) or --exclude leave out: d/a.txt, d/b.txt, d/anim.gif, d/Makefile\n',
    )
  })

  it('says "1 file" and nothing at all when nothing was skipped', () => {
    const io = new RecordingCliIo()
    reportSkipped([], io)
    expect(io.err).toBe('')
    reportSkipped(['a.GIF'], io)
    expect(io.err).toMatch(
      /^Skipped 1 file \(\.gif\) that --include \(\*\*\/\*\.\{jpg,jpeg,png,bmp,webp\}\)/,
    )
  })

  it('keeps the list of kinds short', () => {
    const kinds = ['a.1', 'a.2', 'a.3', 'a.4', 'a.5', 'a.6', 'a.7']
    expect(skippedFormats(kinds)).toBe('.1, .2, .3, .4, .5, .6, …')
  })
})
