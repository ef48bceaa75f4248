import { spawn } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listen } from '../fakes/http.js'
import { jpegWithDecoyFrame } from '../helpers/headers.js'
import { ROOT, runCli } from './harness.js'

/**
 * Issue 19: a JPEG whose TEM marker sends a careless header parser to a decoy 256×256 frame
 * header, while the decoder reads the real 22000×22000 one (before the fix: 8 s and 3.9 GB of
 * memory per image, accepted by the header check).
 */
const attack = jpegWithDecoyFrame({ width: 22000, height: 22000 }, { width: 256, height: 256 })

/** Makes a Node process print its peak resident memory (KB, worker threads included) at exit. */
const PEAK_RSS = {
  NODE_OPTIONS:
    "--import=data:text/javascript,process.on('exit',()=>process.stderr.write('peak-rss-kb='+process.resourceUsage().maxRSS))",
}
const peakRssMb = (stderr: string) => {
  const kb = /peak-rss-kb=(\d+)/.exec(stderr)?.[1]
  if (kb === undefined) throw new Error(`no peak RSS in:\n${stderr}`)
  return Number(kb) / 1024
}

let folder: string
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'aa-lying-jpeg-'))
})
afterAll(async () => {
  await rm(folder, { recursive: true, force: true })
})

describe('a JPEG whose markers lie about its size', () => {
  it('aa-check check refuses it by its real frame, at once, without decoding', async () => {
    const file = join(folder, 'decoy.jpg')
    await writeFile(file, attack)
    const started = Date.now()
    const run = await runCli(['check', '--json', '--backend', 'local', file], { env: PEAK_RSS })
    expect(run.code).toBe(1)
    expect(JSON.parse(run.stdout)).toEqual([
      expect.objectContaining({
        status: 'reject',
        code: 'InvalidFile.Resolution',
        message: expect.stringMatching(/^The image is 22000×22000:/) as unknown,
      }),
    ])
    expect(Date.now() - started).toBeLessThan(10_000)
    expect(peakRssMb(run.stderr)).toBeLessThan(500)
  })

  it('aa-check serve refuses two at once and stays small', async () => {
    const images = await listen((_, res) => {
      res.writeHead(200, { 'content-type': 'image/jpeg' })
      res.end(attack)
    })
    const key = 'sk-lying-jpeg-test'
    const child = spawn(
      process.execPath,
      [join(ROOT, 'dist/cli.js'), 'serve', '--port', '0', '--allow-private', '--api-key', key],
      { env: { PATH: process.env.PATH ?? '', ...PEAK_RSS } },
    )
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const exit = new Promise<number | null>((resolve) => child.on('close', resolve))
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`serve did not start:\n${stderr}`)), 20_000)
        child.stderr.on('data', () => {
          const match = /listening on (http:\/\/[^/\s]+)/.exec(stderr)
          if (match?.[1] === undefined) return
          clearTimeout(timer)
          resolve(match[1])
        })
      })
      const detect = async (name: string) => {
        const response = await fetch(`${url}/api/v1/services/aigc/image2video/aa-detect`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
          body: JSON.stringify({
            model: 'animate-anyone-detect-gen2',
            input: { image_url: `${images.url}/${name}.jpg` },
            parameters: {},
          }),
        })
        return { status: response.status, json: (await response.json()) as unknown }
      }
      const started = Date.now()
      const answers = await Promise.all([detect('one'), detect('two')])
      expect(Date.now() - started).toBeLessThan(10_000)
      for (const answer of answers)
        expect(answer).toMatchObject({
          status: 400,
          json: {
            code: 'InvalidFile.Resolution',
            message: expect.stringMatching(/^The image is 22000×22000:/) as unknown,
          },
        })
    } finally {
      child.kill('SIGTERM')
      await exit
      await images.close()
    }
    expect(peakRssMb(stderr)).toBeLessThan(1000)
  })
})
