/**
 * The README's picture of the evidence gallery, from a real run: the local detector on the test
 * fixtures (the same gallery the browser test opens, test/helpers/gallery.ts), rendered by headless
 * Chromium and cut to the top of the page.
 *
 *   npm run screenshot:gallery [-- --out docs/gallery.png --width 960 --height 1000 --html FILE]
 *
 * Needs Chromium (`apt-get install chromium`; `--chromium PATH` for another binary).
 */
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { ROOT } from '../test/e2e/harness.js'
import { withPage } from '../test/helpers/chromium.js'
import { fixtureGallery } from '../test/helpers/gallery.js'

const { values } = parseArgs({
  options: {
    out: { type: 'string', default: join(ROOT, 'docs/gallery.png') },
    width: { type: 'string', default: '960' },
    height: { type: 'string', default: '1000' },
    html: { type: 'string' },
    chromium: { type: 'string', default: 'chromium' },
  },
})
const width = Number(values.width)
const height = Number(values.height)

const gallery = await fixtureGallery()
const folder = await mkdtemp(join(tmpdir(), 'aa-check-gallery-'))
try {
  const file = values.html ?? join(folder, 'gallery.html')
  await writeFile(file, gallery.html)
  await withPage(
    pathToFileURL(file).href,
    { chromium: values.chromium, width, height },
    async (page) => {
      await page.evaluate(`(async () => {
      for (const img of document.images) img.loading = 'eager'
      await Promise.all(Array.from(document.images, (img) => img.decode()))
    })()`)
      if (page.problems.length > 0)
        throw new Error(`the page reported:\n${page.problems.join('\n')}`)
      const shot = await page.send<{ data: string }>('Page.captureScreenshot', {
        format: 'png',
        clip: { x: 0, y: 0, width, height, scale: 1 },
      })
      await writeFile(values.out, Buffer.from(shot.data, 'base64'))
    },
  )
  const size = (await stat(values.out)).size
  console.log(
    `Wrote ${values.out}: ${Math.round(size / 1024)} KB (gallery of ${gallery.cards} photos, ${Math.round(gallery.html.length / 1024)} KB).`,
  )
} finally {
  await rm(folder, { recursive: true, force: true })
}
