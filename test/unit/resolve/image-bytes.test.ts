import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it, onTestFinished } from 'vitest'
import { download, readImageBytes } from '../../../src/resolve/image-bytes.js'
import { listen } from '../../fakes/http.js'
import { REPO, TOKEN, useFakeGitHub } from '../../helpers/github.js'
import { RecordingIo } from '../../helpers/io.js'
import type { HeadCommit, ImageFile } from '../../../src/core/types.js'
import { gitBlobSha } from '../../../src/core/blob-sha.js'

const fake = useFakeGitHub()
const committed = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4])

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'aa-check-image-source-'))
  onTestFinished(() => rm(dir, { recursive: true, force: true }))
  return dir
}

/** An image served in-process, and what its server was asked. */
async function imageServer(body: Buffer, status = 200) {
  const asked: { path: string; authorization: string | undefined }[] = []
  const server = await listen((req, res) => {
    asked.push({ path: req.url ?? '', authorization: req.headers.authorization })
    res.writeHead(status, { 'content-type': 'image/jpeg' })
    res.end(body)
  })
  onTestFinished(server.close)
  return { url: server.url, asked }
}

function setup(workspace: string | undefined) {
  const sha = fake.github.git.commit({ 'people/a.jpg': committed })
  const head: HeadCommit = { repo: REPO, gitRepo: REPO, sha, ref: 'main' }
  const image: ImageFile = { path: 'people/a.jpg', sha: gitBlobSha(committed), lfs: false }
  const log = new RecordingIo()
  const options = {
    octokit: fake.octokit,
    githubToken: TOKEN,
    head,
    workspace,
    timeoutMs: 5_000,
    log,
  }
  return { options, image, log }
}

const blobReads = () => fake.github.count('GET', /\/git\/blobs\//)

describe('gitBlobSha', () => {
  it('is the sha git gives the content', () => {
    expect(gitBlobSha(new Uint8Array())).toBe('e69de29bb2d1d6434b8b29ae775ad8c2e48c5391')
    expect(gitBlobSha(new TextEncoder().encode('hello\n'))).toBe(
      'ce013625030ba8dba906f756967f9e9ca394464a',
    )
  })
})

describe('readImageBytes', () => {
  it('reads a checkout whose file is exactly the commit blob, without the API', async () => {
    const workspace = await tempDir()
    await mkdir(join(workspace, 'people'))
    await writeFile(join(workspace, 'people/a.jpg'), committed)
    const { options, image } = setup(workspace)
    expect(Buffer.from(await readImageBytes(options, image, 'http://127.0.0.1:9/x'))).toEqual(
      committed,
    )
    expect(blobReads()).toBe(0)
  })

  it('never trusts a stale checkout: reads the blob through the API', async () => {
    const workspace = await tempDir()
    await mkdir(join(workspace, 'people'))
    await writeFile(join(workspace, 'people/a.jpg'), 'edited after checkout')
    const { options, image } = setup(workspace)
    expect(Buffer.from(await readImageBytes(options, image, 'http://127.0.0.1:9/x'))).toEqual(
      committed,
    )
    expect(blobReads()).toBe(1)
  })

  it('reads through the API without a workspace, and never outside the workspace', async () => {
    const outside = await tempDir()
    const workspace = join(outside, 'ws')
    await mkdir(workspace)
    await writeFile(join(outside, 'a.jpg'), committed)
    const { options, image } = setup(workspace)
    const escaping = { ...image, path: '../a.jpg' }
    expect(Buffer.from(await readImageBytes(options, escaping, 'http://127.0.0.1:9/x'))).toEqual(
      committed,
    )
    expect(blobReads()).toBe(1)
    const { options: noWorkspace } = setup(undefined)
    await readImageBytes(noWorkspace, image, 'http://127.0.0.1:9/x')
    expect(blobReads()).toBe(2)
  })

  it('falls back to the public URL when the blob API cannot serve it', async () => {
    const served = await imageServer(committed)
    const { options, image, log } = setup(undefined)
    const unknown = { ...image, sha: 'a'.repeat(40) }
    const bytes = await readImageBytes(options, unknown, `${served.url}/people/a.jpg`)
    expect(Buffer.from(bytes)).toEqual(committed)
    expect(served.asked).toEqual([{ path: '/people/a.jpg', authorization: undefined }])
    expect(log.messages('debug')).toEqual([
      expect.stringMatching(
        new RegExp(
          `^Blob a{40} of people/a\\.jpg not readable through the API \\(.*Not Found.*\\); fetching ${served.url}/people/a\\.jpg\\.$`,
        ),
      ),
    ])
  })

  it('says which host failed when the URL fallback fails too', async () => {
    const served = await imageServer(Buffer.from('gone'), 404)
    const { options, image } = setup(undefined)
    await expect(
      readImageBytes(options, { ...image, sha: 'b'.repeat(40) }, `${served.url}/a.jpg`),
    ).rejects.toThrow(`HTTP 404 from ${new URL(served.url).host}`)
  })
})

describe('download', () => {
  it('sends the token to GitHub’s media host only', async () => {
    const served = await imageServer(committed)
    await download(`${served.url}/a.jpg`, 5_000, `token ${TOKEN}`)
    expect(served.asked[0]?.authorization).toBeUndefined()
  })
})
