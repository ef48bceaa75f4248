/**
 * Load test of `aa-check serve` (the built dist/cli.js) on 127.0.0.1: throughput and p50/p95
 * latency at 1, 2 and 4 concurrent clients, then a soak that samples the server's RSS to show it
 * stays bounded.
 *
 *   npm run build && npm run bench:serve [-- --seconds 20 --soak-seconds 300]
 *
 * Every request goes to servers this script starts on loopback; each loop ends on its own clock.
 */
import { availableParallelism } from 'node:os'
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { listen } from '../test/fakes/http.js'

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '20' },
    'soak-seconds': { type: 'string', default: '300' },
  },
})
const PHOTOS = ['full-body.jpg', 'half-body.jpg', 'sitting.jpg']
const DETECT = '/api/v1/services/aigc/image2video/aa-detect'

const photoBytes = new Map<string, Buffer>()
for (const name of PHOTOS) photoBytes.set(name, await readFile(join('test/fixtures/photos', name)))
const photos = await listen((req, res) => {
  const bytes = photoBytes.get((req.url ?? '').slice(1))
  res.writeHead(bytes ? 200 : 404, { 'content-type': 'image/jpeg' })
  res.end(bytes)
})

const child = spawn(
  process.execPath,
  ['dist/cli.js', 'serve', '--port', '0', '--allow-private', '--queue', '64'],
  {
    stdio: ['ignore', 'ignore', 'pipe'],
  },
)
const base = await new Promise<string>((resolve, reject) => {
  let text = ''
  child.stderr.on('data', (chunk: Buffer) => {
    text += chunk.toString()
    const match = /listening on (http:\/\/[^/\s]+)/.exec(text)
    if (match?.[1]) resolve(match[1])
  })
  child.on('close', () => reject(new Error(`serve exited:\n${text}`)))
})

const rssMb = () => {
  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8')
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN) / 1024
}

async function load(clients: number, seconds: number, onSecond?: () => void) {
  const latencies: number[] = []
  let failures = 0
  const until = performance.now() + seconds * 1000
  let next = 0
  const ticker = onSecond ? setInterval(onSecond, 5000) : undefined
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < until) {
        const photo = PHOTOS[next++ % PHOTOS.length] ?? ''
        const started = performance.now()
        const response = await fetch(`${base}${DETECT}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            model: 'animate-anyone-detect-gen2',
            input: { image_url: `${photos.url}/${photo}` },
            parameters: {},
          }),
        })
        await response.arrayBuffer()
        if (response.status !== 200 && response.status !== 400) failures++
        latencies.push(performance.now() - started)
      }
    }),
  )
  clearInterval(ticker)
  latencies.sort((a, b) => a - b)
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN
  return {
    count: latencies.length,
    rps: latencies.length / seconds,
    p50: at(0.5),
    p95: at(0.95),
    failures,
  }
}

console.log(
  `bench:serve — dist/cli.js serve (default: one detection per core, ${availableParallelism()} here) on loopback, Node ${process.version}`,
)
const seconds = Number(values.seconds)
await load(1, 2)
for (const clients of [1, 2, 4]) {
  const r = await load(clients, seconds)
  console.log(
    `${clients} client(s): ${r.rps.toFixed(1)} req/s, p50 ${r.p50.toFixed(0)} ms, p95 ${r.p95.toFixed(0)} ms (${r.count} requests, ${r.failures} failed)`,
  )
}
const soakSeconds = Number(values['soak-seconds'])
const samples: number[] = [rssMb()]
const soak = await load(4, soakSeconds, () => samples.push(rssMb()))
samples.push(rssMb())
const minute = Math.max(1, Math.floor(samples.length / Math.max(1, soakSeconds / 60)))
const average = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length)
console.log(
  `soak: 4 clients for ${soakSeconds} s, ${soak.count} requests (${soak.failures} failed), ${soak.rps.toFixed(1)} req/s`,
)
console.log(
  `RSS: start ${samples[0]?.toFixed(0)} MB, max ${Math.max(...samples).toFixed(0)} MB, end ${samples.at(-1)?.toFixed(0)} MB; first-minute mean ${average(samples.slice(0, minute)).toFixed(0)} MB, last-minute mean ${average(samples.slice(-minute)).toFixed(0)} MB`,
)
child.kill('SIGTERM')
await photos.close()
