/**
 * Size of the PR comment for a realistic 57-image pull request: 36 rejections of several codes,
 * 5 errors and 16 passes, with paths such as `characters/bob/side-view.jpg`. Prints the comment's
 * characters and how many `&#` character references it holds (each one is noise in a plain-text
 * notification, `gh pr view --comments` and the API).
 *
 *   npx tsx scripts/comment-size.ts [--print]
 */
import { createHash } from 'node:crypto'
import { parseArgs } from 'node:util'
import { countResults, toResult, type ImageResult } from '../src/decide/decide.js'
import type { Detection } from '../src/detect/types.js'
import { COMMENT_LIMIT, renderReport } from '../src/report/render.js'

const { values } = parseArgs({ options: { print: { type: 'boolean', default: false } } })

const characters = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan']
const views = [
  'front',
  'side-view',
  'back_view',
  'sitting-01',
  'portrait (2)',
  'full-body.v2',
  'walking',
]
const extensions = ['jpg', 'png', 'webp']

const rejections: Detection[] = [
  { status: 'reject', code: 'InvalidFile.BodyPose', message: 'The body is turned sideways.' },
  { status: 'reject', code: 'InvalidFile.BodyPose', message: 'Ankles are not visible.' },
  { status: 'reject', code: 'InvalidFile.Content', message: 'Multiple persons detected.' },
  { status: 'reject', code: 'InvalidFile.FacePose', message: 'The face is covered.' },
  {
    status: 'reject',
    code: 'InvalidFile.Resolution',
    message: 'The image is 4608x3456 px; the longest side must be under 4096 px.',
  },
  { status: 'reject', code: 'InvalidURL', message: 'The image format is not supported.' },
]
const errors: Detection[] = [
  { status: 'error', code: 'Timeout', message: 'No answer within 30 s (3 attempts).' },
  {
    status: 'error',
    code: 'ServiceError',
    message: 'HTTP 500 InternalError: An internal error has occured, please try again later.',
  },
]

const sha = (text: string): string => createHash('sha1').update(text).digest('hex')
const head = sha('head')

export function sampleResults(): ImageResult[] {
  const results: ImageResult[] = []
  for (let i = 0; i < 57; i++) {
    const who = characters[i % characters.length] ?? 'bob'
    const view = views[Math.floor(i / characters.length) % views.length] ?? 'front'
    const path = `characters/${who}/${view}.${extensions[i % extensions.length] ?? 'jpg'}`
    const url = `https://raw.githubusercontent.com/acme/photos/${head}/${path}`
    const detection: Detection =
      i < 36
        ? (rejections[i % rejections.length] ?? { status: 'reject' })
        : i < 41
          ? (errors[i % errors.length] ?? { status: 'error' })
          : { status: 'pass', bodystyle: i % 2 === 0 ? 'full' : 'half' }
    results.push(
      toResult(path, url, { ...detection, requestId: `req-${sha(path).slice(0, 8)}` }, sha(path)),
    )
  }
  return results
}

const results = sampleResults()
const counts = countResults(results)
const comment = renderReport(
  results,
  {
    counts,
    failed: true,
    scope: 'the 57 files changed by #42',
    detector: 'DashScope animate-anyone-detect-gen2',
    sha: head,
    reused: 0,
    skipped: [],
    fullListHint: 'the job summary and the results output list every image',
    links: {
      server: 'https://github.com',
      owner: 'acme',
      repo: 'photos',
      runUrl: 'https://github.com/acme/photos/actions/runs/9876543210',
    },
  },
  COMMENT_LIMIT,
)
if (values.print) console.log(comment)
console.log(
  `57-image comment: ${comment.length} characters, ${comment.split('&#').length - 1} character references (&#).`,
)
