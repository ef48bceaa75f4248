/**
 * Runs the local detector over the labelled corpus and prints how far it agrees with the labels:
 * a confusion matrix by code, verdict accuracy, per-code agreement, body-style agreement, and every
 * disagreement (high-confidence ones flagged).
 *
 *   npm run calibrate [-- --corpus ../shared/corpus] [--all]
 *
 * The corpus is not in the repository (its licences allow testing only); a fresh clone has none,
 * and this script says so.
 */
import { existsSync } from 'node:fs'
import { readFile, readdir } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { LocalDetector } from '../src/detect/local/detector.js'

const { values } = parseArgs({
  options: {
    corpus: { type: 'string', default: '../shared/corpus' },
    all: { type: 'boolean', default: false },
  },
})
const corpus = resolve(values.corpus)
if (!existsSync(join(corpus, 'labels.tsv'))) {
  console.error(
    `No corpus at ${corpus} (expected labels.tsv and images/). Pass --corpus DIR; a fresh clone has none.`,
  )
  process.exit(2)
}

interface Label {
  file: string
  verdict: string
  code: string
  bodystyle: string
  confidence: string
  note: string
}
const lines = (await readFile(join(corpus, 'labels.tsv'), 'utf8')).trim().split('\n').slice(1)
const labels = new Map<string, Label>(
  lines.map((line) => {
    const [file = '', verdict = '', code = '', bodystyle = '', confidence = '', note = ''] =
      line.split('\t')
    return [file, { file, verdict, code, bodystyle, confidence, note }]
  }),
)

const detector = new LocalDetector()
await detector.load()
const outcome = (status: string, code: string | undefined) =>
  status === 'pass' ? 'pass' : (code ?? status)
const rows: {
  file: string
  expected: string
  got: string
  label: Label
  bodystyle: string | undefined
  message: string
}[] = []
const files = (await readdir(join(corpus, 'images'))).sort()
for (const file of files) {
  const label = labels.get(file)
  const { detection } = await detector.analyse(
    new Uint8Array(await readFile(join(corpus, 'images', file))),
  )
  const got = outcome(detection.status, detection.code)
  if (label === undefined) {
    if (values.all)
      console.log(
        `unlabelled ${file}: ${got}${detection.bodystyle ? ` (${detection.bodystyle})` : ''} ${detection.message ?? ''}`,
      )
    continue
  }
  rows.push({
    file,
    expected: outcome(label.verdict, label.code),
    got,
    label,
    bodystyle: detection.bodystyle,
    message: detection.message ?? '',
  })
}

const codes = [...new Set(rows.flatMap((r) => [r.expected, r.got]))].sort()
const short = (code: string) => code.replace('InvalidFile.', '')
const width = Math.max(...codes.map((c) => short(c).length), 8) + 2
console.log(
  `\nConfusion matrix (rows: label, columns: local detector), ${rows.length} labelled images\n`,
)
console.log(''.padEnd(width) + codes.map((c) => short(c).padStart(width)).join(''))
for (const expected of codes) {
  console.log(
    short(expected).padEnd(width) +
      codes
        .map((got) =>
          String(
            rows.filter((r) => r.expected === expected && r.got === got).length || '.',
          ).padStart(width),
        )
        .join(''),
  )
}
const pct = (n: number, d: number) =>
  d === 0 ? 'n/a' : `${((100 * n) / d).toFixed(1)}% (${n}/${d})`
const verdictRight = rows.filter((r) => (r.expected === 'pass') === (r.got === 'pass')).length
const codeRight = rows.filter((r) => r.expected === r.got).length
const passes = rows.filter((r) => r.expected === 'pass' && r.got === 'pass')
const bodyRight = passes.filter((r) => r.bodystyle === r.label.bodystyle).length
console.log(`\nverdict agreement    ${pct(verdictRight, rows.length)}`)
console.log(`code agreement       ${pct(codeRight, rows.length)}`)
console.log(
  `bodystyle agreement  ${pct(bodyRight, passes.length)} (images both labelled and detected as passing)`,
)
console.log('\nper-code agreement (recall by label)')
for (const code of codes) {
  const labelled = rows.filter((r) => r.expected === code)
  if (labelled.length > 0)
    console.log(
      `  ${short(code).padEnd(width)} ${pct(labelled.filter((r) => r.got === code).length, labelled.length)}`,
    )
}
const high = rows.filter((r) => r.label.confidence === 'high')
const highRight = high.filter(
  (r) => r.expected === r.got && (r.expected !== 'pass' || r.bodystyle === r.label.bodystyle),
).length
console.log(`\nhigh-confidence labels right: ${pct(highRight, high.length)}`)
const wrong = rows.filter(
  (r) => r.expected !== r.got || (r.expected === 'pass' && r.bodystyle !== r.label.bodystyle),
)
if (wrong.length > 0) {
  console.log('\ndisagreements')
  for (const r of wrong) {
    const flag = r.label.confidence === 'high' ? '!!' : '  '
    console.log(
      `${flag} ${r.file} label ${r.expected}${r.label.bodystyle ? `/${r.label.bodystyle}` : ''} (${r.label.confidence}), got ${r.got}${r.bodystyle ? `/${r.bodystyle}` : ''}: ${r.message} — ${r.label.note}`,
    )
  }
}
