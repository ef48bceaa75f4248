/**
 * The README's picture of the PR comment, from a real run: the built action (dist/index.js) runs on
 * a pull request against the fake GitHub with the embedded local detector (no key, so every verdict
 * and reason is the detector's own), its comment is rendered to HTML with GitHub-like CSS and
 * screenshotted with headless Chromium. The photos are the licence-clean ones in the repository
 * (test/fixtures/photos, examples/photos), each shown once; thumbnails are served as
 * GITHUB_SERVER_URL's `/{owner}/{repo}/blob/{sha}/{path}?raw=true`.
 *
 *   npm run build && npx tsx scripts/screenshot-report.ts [--out docs/report.png] [--width 900]
 *
 * Needs Chromium (`apt-get install chromium`; `--chromium PATH` for another binary).
 */
import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { extname, join } from 'node:path'
import { parseArgs } from 'node:util'
import { marked } from 'marked'
import { blobSha } from '../test/fakes/git.js'
import { FakeGitHub } from '../test/fakes/github.js'
import { listen } from '../test/fakes/http.js'
import { ROOT, openPull, runAction } from '../test/e2e/harness.js'

const { values } = parseArgs({
  options: {
    out: { type: 'string', default: join(ROOT, 'docs/report.png') },
    width: { type: 'string', default: '900' },
    chromium: { type: 'string', default: 'chromium' },
  },
})

const fixture = (name: string) => readFile(join(ROOT, 'test/fixtures/photos', name))
const example = (name: string) => readFile(join(ROOT, 'examples/photos', name))

/** Every photo at most once, so no two rows of the report show the same picture. */
const files: Record<string, Buffer> = {
  'characters/alice/front.jpg': await fixture('full-body.jpg'),
  'characters/bob/portrait.jpg': await fixture('half-body.jpg'),
  'characters/carol/sitting.jpg': await fixture('sitting.jpg'),
  'characters/dave/back (v2) @draft #3.jpg': await example('facing-away.jpg'),
  'characters/erin/background.jpg': await fixture('no-person.jpg'),
  'characters/frank/thumbnail.jpg': await fixture('too-small.jpg'),
  'characters/grace/scooter-1915.jpg': await example('side-view.jpg'),
  'characters/heidi/standing.webp': await fixture('standing.webp'),
  'characters/ivan/waving.jpg': await example('hand-over-face.jpg'),
  'characters/judy/with-a-friend.jpg': await example('two-people.jpg'),
}
const accepted = 'characters/grace/scooter-1915.jpg'

const github = await new FakeGitHub().start()
let html = ''
const web = await listen((req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost')
  if (url.pathname === '/report.html') {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
    res.end(html)
    return
  }
  const match = /^\/acme\/photos\/blob\/[0-9a-f]+\/(.+)$/.exec(url.pathname)
  const bytes = match === null ? undefined : files[decodeURIComponent(match[1] ?? '')]
  if (bytes === undefined || !url.searchParams.has('raw')) {
    res.writeHead(404).end()
    return
  }
  const type = extname(url.pathname) === '.webp' ? 'image/webp' : 'image/jpeg'
  res.writeHead(200, { 'content-type': type }).end(bytes)
})

try {
  const { payload } = openPull(github, files, { number: 42 })
  const run = await runAction({
    eventName: 'pull_request',
    payload,
    repository: 'acme/photos',
    apiUrl: github.url,
    inputs: {
      backend: 'local',
      accept: `${accepted}@${blobSha(files[accepted] ?? Buffer.alloc(0))}`,
    },
    timeoutMs: 180_000,
    env: { GITHUB_SERVER_URL: web.url, GITHUB_RUN_ID: '4242424242' },
  })
  const body = github.comments.get(42)?.[0]?.body
  if (body === undefined) throw new Error(`the action posted no comment:\n${run.stdout}`)
  html = page(await marked.parse(body, { gfm: true }))

  const profile = await mkdtemp(join(tmpdir(), 'aa-check-chromium-'))
  try {
    const flags = [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--hide-scrollbars',
      `--user-data-dir=${profile}`,
    ]
    // First the page's height (it writes it into the DOM), then a window exactly that tall.
    const dom = await chromium([
      ...flags,
      '--dump-dom',
      `--window-size=${values.width},800`,
      `${web.url}/report.html`,
    ])
    const height = /data-height="(\d+)"/.exec(dom)?.[1] ?? '2000'
    await chromium([
      ...flags,
      `--screenshot=${values.out}`,
      `--window-size=${values.width},${height}`,
      `${web.url}/report.html`,
    ])
  } finally {
    await rm(profile, { recursive: true, force: true })
  }
  const size = (await stat(values.out)).size
  console.log(`Wrote ${values.out}: ${Math.round(size / 1024)} KB (comment ${body.length} chars).`)
} finally {
  await web.close()
  await github.close()
}

/** Runs Chromium; resolves with what it printed (the DOM, with --dump-dom). */
function chromium(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(values.chromium, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.on('error', reject)
    child.on('close', (code) => {
      if (code === 0) resolve(stdout)
      else reject(new Error(`chromium exited with ${code}:\n${stderr}`))
    })
  })
}

/** The comment as GitHub shows it: its Markdown styles, in a comment box. */
function page(rendered: string): string {
  return `<!doctype html>
<html><head><meta charset="utf-8"><style>
body { margin: 0; padding: 16px; background: #fff; color: #1f2328;
  font: 14px/1.5 -apple-system, BlinkMacSystemFont, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif; }
.box { border: 1px solid #d1d9e0; border-radius: 6px; }
.head { background: #f6f8fa; border-bottom: 1px solid #d1d9e0; padding: 8px 16px; color: #59636e;
  border-radius: 6px 6px 0 0; }
.head b { color: #1f2328; }
.markdown { padding: 16px; }
.markdown > :first-child { margin-top: 0; }
h3 { font-size: 1.25em; margin: 24px 0 16px; font-weight: 600; }
h4 { font-size: 1em; margin: 24px 0 12px; font-weight: 600; }
p { margin: 0 0 16px; }
a { color: #0969da; text-decoration: none; }
code { font: 85% ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: #818b981f;
  padding: .2em .4em; border-radius: 6px; }
table { border-collapse: collapse; margin: 0 0 16px; display: block; overflow: auto; }
th, td { border: 1px solid #d1d9e0; padding: 6px 13px; vertical-align: middle; }
th { font-weight: 600; }
tr:nth-child(2n) { background: #f6f8fa; }
sub { font-size: 85%; color: #59636e; }
details { margin: 0 0 16px; }
summary { cursor: pointer; }
</style></head><body><div class="box">
<div class="head"><b>github-actions</b> <span>bot</span> commented</div>
<div class="markdown">${rendered}</div>
</div>
<script>document.body.dataset.height = document.documentElement.scrollHeight</script>
</body></html>`
}
