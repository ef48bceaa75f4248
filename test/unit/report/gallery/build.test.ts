import { describe, expect, it, vi } from 'vitest'
import { buildGallery } from '../../../../src/report/gallery/build.js'
import { result } from './results.js'

describe('buildGallery', () => {
  it('says on the card why a file has no photo, and never decodes what stopped the detector', async () => {
    const hung = vi.fn(() => Promise.resolve(new Uint8Array([0xff, 0xd8, 0xff])))
    const built = await buildGallery([
      { result: result('gone.jpg'), readBytes: () => Promise.reject(new Error('ENOENT')) },
      { result: result('hung.jpg', { status: 'error', code: 'DetectorTimeout' }), readBytes: hung },
      { result: result('remote.jpg') },
    ])
    expect(hung).not.toHaveBeenCalled()
    expect(built).toMatchObject({ cards: 3, thumbnails: 0, left: 0 })
    expect(built.html).toContain('No preview: the file could not be read (ENOENT).')
    expect(built.html).toContain('No preview: the detector could not read this file either.')
    expect(built.html).toContain('No preview: the file was not read.')
  })

  it('reads only the files of the cards it shows, rejections first', async () => {
    const read = { passed: vi.fn(), rejected: vi.fn() }
    const built = await buildGallery(
      [
        { result: result('a-pass.jpg', { status: 'pass', code: null }), readBytes: read.passed },
        { result: result('z-reject.jpg'), readBytes: read.rejected },
      ],
      { maxCards: 1 },
    )
    expect(read.passed).not.toHaveBeenCalled()
    expect(read.rejected).toHaveBeenCalledOnce()
    expect(built).toMatchObject({ cards: 1, left: 1 })
    expect(built.html).toContain('1 more photo is not shown')
  })
})
