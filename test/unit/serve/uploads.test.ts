import { describe, expect, it } from 'vitest'
import { TemporaryStorage, type UploadForm } from '../../../src/serve/uploads.js'

const MB = 1024 * 1024

function storage(maxTotalBytes = 10 * MB) {
  const clock = { now: 1_000_000 }
  const store = new TemporaryStorage({
    maxFileBytes: 5 * MB,
    maxTotalBytes,
    policyTtlMs: 300_000,
    objectTtlMs: 300_000,
    now: () => clock.now,
  })
  return { store, clock }
}

function formFor(data: Record<string, unknown>, name = 'abc.jpg'): UploadForm {
  return {
    accessKeyId: data.oss_access_key_id as string,
    policy: data.policy as string,
    signature: data.signature as string,
    key: `${data.upload_dir as string}/${name}`,
  }
}

describe('TemporaryStorage', () => {
  it('issues a policy in the shape the DashScope client reads', () => {
    const { store } = storage()
    const data = store.issuePolicy('http://127.0.0.1:8080/oss-upload')
    expect(data).toMatchObject({
      upload_host: 'http://127.0.0.1:8080/oss-upload',
      expire_in_seconds: 300,
      max_file_size_mb: 5,
      oss_access_key_id: 'aa-check-serve',
    })
    expect(data.upload_dir).toMatch(/^aa-check\/[0-9a-f-]{36}$/)
    expect(store.refusal(formFor(data))).toBeUndefined()
  })

  it('accepts only policies it signed, unexpired, for keys under their directory', () => {
    const { store, clock } = storage()
    const data = store.issuePolicy('http://h/oss-upload')
    const form = formFor(data)
    const other = new TemporaryStorage({
      maxFileBytes: MB,
      maxTotalBytes: MB,
      policyTtlMs: 300_000,
      objectTtlMs: 300_000,
    }).issuePolicy('http://h/oss-upload')
    expect(store.refusal({ ...form, signature: other.signature as string })).toMatch(/signature/)
    expect(store.refusal({ ...form, policy: other.policy as string })).toMatch(/signature/)
    expect(store.refusal({ ...form, accessKeyId: 'someone' })).toMatch(/OSSAccessKeyId/)
    expect(store.refusal({ ...form, key: 'aa-check/elsewhere/abc.jpg' })).toMatch(/under/)
    expect(store.refusal({ ...form, key: `${data.upload_dir as string}/../x.jpg` })).toMatch(
      /under/,
    )
    expect(store.refusal({ ...form, key: undefined })).toMatch(/needs/)
    for (const name of [
      'my photo (1).jpg',
      '照片.jpg',
      'avatar@2x.png',
      'a+b,c~d.jpg',
      'sub/dir.jpg',
    ]) {
      expect(store.refusal(formFor(data, name)), name).toBeUndefined()
    }
    for (const name of [
      '',
      'tab\t.jpg',
      'del\x7f.jpg',
      'c1\u0085.jpg',
      'a/../b.jpg',
      'a//b.jpg',
      './a.jpg',
    ]) {
      expect(store.refusal(formFor(data, name)), name).toMatch(/under/)
    }
    expect(store.refusal(formFor(data, '照'.repeat(330)))).toMatch(/longer than 1023 bytes/)
    clock.now += 300_000
    expect(store.refusal(form)).toMatch(/expired/)
  })

  it('serves an object until it expires, and more than once', () => {
    const { store, clock } = storage()
    const bytes = new Uint8Array([1, 2, 3])
    expect(store.put('aa-check/d/a.jpg', bytes)).toBe('stored')
    expect(store.get('aa-check/d/a.jpg')).toEqual(bytes)
    clock.now += 299_999
    expect(store.get('aa-check/d/a.jpg')).toEqual(bytes)
    clock.now += 1
    expect(store.get('aa-check/d/a.jpg')).toBeUndefined()
    expect(store.stats()).toEqual({ objects: 0, bytes: 0 })
    expect(store.get('aa-check/d/never.jpg')).toBeUndefined()
  })

  it('caps the bytes held, evicting objects already read first', () => {
    const { store } = storage(10 * MB)
    expect(store.put('d/a', new Uint8Array(4 * MB))).toBe('stored')
    expect(store.put('d/b', new Uint8Array(4 * MB))).toBe('stored')
    expect(store.put('d/c', new Uint8Array(4 * MB))).toBe('full')
    store.get('d/b')
    expect(store.put('d/c', new Uint8Array(4 * MB))).toBe('stored')
    expect(store.get('d/a')).toBeDefined()
    expect(store.get('d/b')).toBeUndefined()
    expect(store.stats()).toEqual({ objects: 2, bytes: 8 * MB })
  })

  it('counts an overwritten object once', () => {
    const { store } = storage(10 * MB)
    expect(store.put('d/a', new Uint8Array(6 * MB))).toBe('stored')
    expect(store.put('d/a', new Uint8Array(6 * MB))).toBe('stored')
    expect(store.stats()).toEqual({ objects: 1, bytes: 6 * MB })
  })
})
