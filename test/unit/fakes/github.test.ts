import { describe, expect, it } from 'vitest'
import { readBlob, readFileAt } from '../../../src/github/api.js'
import { blobSha } from '../../fakes/git.js'
import { REPO, useFakeGitHub } from '../../helpers/github.js'

const fake = useFakeGitHub()
/** Bytes that are not UTF-8 (a JPEG's start), and text. */
const binary = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x80])
const text = Buffer.from('*.psd filter=lfs diff=lfs merge=lfs -text\n')

const get = (path: string, accept?: string) =>
  fetch(`${fake.github.url}${path}`, accept === undefined ? {} : { headers: { accept } })

describe('FakeGitHub content negotiation', () => {
  it('answers a blob as JSON with base64 content unless raw is asked for', async () => {
    fake.github.git.commit({ 'a.jpg': binary })
    const sha = blobSha(binary)
    const json = await get(`/repos/acme/photos/git/blobs/${sha}`, 'application/vnd.github+json')
    expect(json.headers.get('content-type')).toMatch(/^application\/json/)
    const body = (await json.json()) as Record<string, unknown>
    expect(body).toMatchObject({ sha, size: binary.length, encoding: 'base64' })
    expect(Buffer.from(String(body.content), 'base64')).toEqual(binary)
    // No Accept at all is JSON too.
    expect((await get(`/repos/acme/photos/git/blobs/${sha}`)).headers.get('content-type')).toMatch(
      /^application\/json/,
    )

    for (const accept of ['application/vnd.github.raw', 'application/vnd.github.raw+json']) {
      const raw = await get(`/repos/acme/photos/git/blobs/${sha}`, accept)
      expect(raw.headers.get('content-type')).toBe('application/octet-stream; charset=utf-8')
      expect(Buffer.from(await raw.arrayBuffer())).toEqual(binary)
    }
  })

  it('answers contents as JSON with base64 content unless raw is asked for', async () => {
    const commit = fake.github.git.commit({ '.gitattributes': text, 'img/a.jpg': binary })
    const json = await get(`/repos/acme/photos/contents/img/a.jpg?ref=${commit}`)
    const body = (await json.json()) as Record<string, unknown>
    expect(body).toMatchObject({
      type: 'file',
      encoding: 'base64',
      name: 'a.jpg',
      path: 'img/a.jpg',
      sha: blobSha(binary),
      size: binary.length,
    })
    expect(String(body.content)).toMatch(/\n$/)
    expect(Buffer.from(String(body.content), 'base64')).toEqual(binary)

    const raw = await get(
      `/repos/acme/photos/contents/.gitattributes?ref=${commit}`,
      'application/vnd.github.raw+json',
    )
    expect(raw.headers.get('content-type')).toBe('application/vnd.github.raw; charset=utf-8')
    expect(await raw.text()).toBe(text.toString())
    expect((await get(`/repos/acme/photos/contents/nope?ref=${commit}`)).status).toBe(404)
  })

  it('gives repo.ts the exact bytes it asks for as raw, binary or text', async () => {
    const commit = fake.github.git.commit({ '.gitattributes': text, 'a.jpg': binary })
    expect(Buffer.from(await readBlob(fake.octokit, REPO, blobSha(binary)))).toEqual(binary)
    expect(Buffer.from(await readBlob(fake.octokit, REPO, blobSha(text)))).toEqual(text)
    const attributes = await readFileAt(fake.octokit, REPO, '.gitattributes', commit)
    expect(Buffer.from(attributes ?? [])).toEqual(text)
    const image = await readFileAt(fake.octokit, REPO, 'a.jpg', commit)
    expect(Buffer.from(image ?? [])).toEqual(binary)
  })
})
