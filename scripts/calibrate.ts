/**
 * Runs the local pipeline (decode, observe, judge) over the labelled corpus and prints how far it
 * agrees with the labels, on the high+medium rows and on all rows: verdict, code and body-style
 * agreement (on the rows both pass, and of the rows labelled a pass), a confusion matrix of codes,
 * the pipeline's speed, and every miss with its evidence.
 *
 *   npm run calibrate [-- --corpus ../shared/corpus] [--save obs.json | --load obs.json]
 *                        [--mirror] [--scale F]
 *
 * `--save` keeps every observation; `--load` judges saved ones again without the models (for
 * trying rules). `--mirror` also judges every photo mirrored left to right, `--scale F` every
 * photo shrunk to F of its size (0 < F < 1; box filter, as a camera of lower resolution takes
 * it), and each prints the same figures on the changed photos and the rows whose outcome changes:
 * a label does not change with a mirror or a smaller copy, so those rows sit on a model's chance
 * reading or a threshold fitted to it (a check of how far the figures generalise, without photos
 * nobody tuned on). The corpus is not in the repository (its licences allow testing only); a
 * fresh clone has none, and this script says so and exits 0.
 */
import { existsSync } from 'node:fs'
import { readFile, readdir, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import type { Detection } from '../src/detect/types.js'
import { locateAssets } from '../src/detect/local/assets.js'
import { ImageDecoder, type Pixels } from '../src/detect/local/decode.js'
import { loadModels, observe, observeInput, type Observation } from '../src/detect/local/observe.js'
import { precheck } from '../src/detect/local/precheck.js'
import { judge } from '../src/detect/local/rules.js'
import { LIMITS } from '../src/detect/local/thresholds.js'
import { mirror, shrink } from './variants.js'

const { values } = parseArgs({
  options: {
    corpus: { type: 'string', default: '../shared/corpus' },
    save: { type: 'string' },
    load: { type: 'string' },
    mirror: { type: 'boolean', default: false },
    scale: { type: 'string' },
  },
})
const scale = values.scale === undefined ? undefined : Number(values.scale)
if (scale !== undefined && !(scale > 0 && scale < 1)) {
  console.error(`--scale ${values.scale}: give a factor between 0 and 1, such as 0.6.`)
  process.exit(2)
}

/** A change to every photo that leaves its label as it is, and the name its figures print under. */
interface Variant {
  /** Its option without the dashes: `mirror`, `scale 0.6`. */
  name: string
  title: string
  /** A header's outcome (format, size) stays with a mirror, not with a smaller copy. */
  keepsHeader: boolean
  of: (pixels: Pixels) => Pixels
}
const variants: Variant[] = [
  ...(values.mirror
    ? [
        {
          name: 'mirror',
          title: 'Mirrored left to right',
          keepsHeader: true,
          of: mirror,
        },
      ]
    : []),
  ...(scale === undefined
    ? []
    : [
        {
          name: `scale ${scale}`,
          keepsHeader: false,
          title: `Shrunk to ${scale} of the size`,
          of: (pixels: Pixels) => shrink(pixels, scale),
        },
      ]),
]
const corpus = resolve(values.corpus)
if (!existsSync(join(corpus, 'labels.tsv'))) {
  console.log(
    `No corpus at ${corpus} (expected labels.tsv and images/): nothing to calibrate. Pass --corpus DIR; a fresh clone has none.`,
  )
  process.exit(0)
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
const labels = lines.map((line): Label => {
  const [file = '', verdict = '', code = '', bodystyle = '', confidence = '', note = ''] =
    line.split('\t')
  return { file, verdict, code, bodystyle, confidence, note }
})

type Seen =
  | { header: Detection }
  // null: the variant was too small to judge (its shortest side at or under the service's minimum).
  | { observation: Observation; ms: number; variants?: Record<string, Observation | null> }

const saved: Record<string, Seen> =
  values.load === undefined
    ? {}
    : (JSON.parse(await readFile(values.load, 'utf8')) as Record<string, Seen>)
if (values.load === undefined) {
  const assets = locateAssets()
  const decoder = new ImageDecoder(assets)
  await decoder.init()
  const models = await loadModels(assets.models, assets.tfjsWasm)
  const files = new Set(await readdir(join(corpus, 'images')))
  for (const { file } of labels) {
    if (!files.has(file)) continue
    const bytes = new Uint8Array(await readFile(join(corpus, 'images', file)))
    const header = precheck(bytes)
    if ('status' in header) {
      saved[file] = { header }
      continue
    }
    const started = performance.now()
    let pixels: Pixels
    try {
      pixels = await decoder.decode(bytes, header.format)
    } catch (error) {
      saved[file] = { header: { status: 'reject', code: 'InvalidURL', message: String(error) } }
      continue
    }
    const observation = await observe(models, observeInput(pixels))
    const ms = performance.now() - started
    const seenAs: Record<string, Observation | null> = {}
    for (const variant of variants) {
      const changed = variant.of(pixels)
      seenAs[variant.name] =
        Math.min(changed.width, changed.height) <= LIMITS.minShortestSide
          ? null
          : await observe(models, observeInput(changed))
    }
    saved[file] = { observation, ms, variants: seenAs }
  }
  if (values.save !== undefined) await writeFile(values.save, JSON.stringify(saved))
}

const outcome = (d: Detection) => (d.status === 'pass' ? 'pass' : (d.code ?? d.status))
const rows = labels.flatMap((label) => {
  const seen = saved[label.file]
  if (seen === undefined) return []
  const detection = 'header' in seen ? seen.header : judge(seen.observation)
  return [
    {
      label,
      detection,
      expected: label.verdict === 'pass' ? 'pass' : label.code,
      got: outcome(detection),
    },
  ]
})
type Row = (typeof rows)[number]

const short = (code: string) => code.replace('InvalidFile.', '')
const pct = (n: number, d: number) =>
  d === 0 ? 'n/a' : `${((100 * n) / d).toFixed(1)}% (${n}/${d})`
function summary(title: string, set: Row[]): void {
  const verdict = set.filter((r) => (r.expected === 'pass') === (r.got === 'pass')).length
  const code = set.filter((r) => r.expected === r.got).length
  const passes = set.filter((r) => r.expected === 'pass' && r.got === 'pass')
  const body = passes.filter((r) => r.detection.bodystyle === r.label.bodystyle).length
  // The issue's body-style figure: of the photos labelled a pass, how many pass with that style.
  const labelledPasses = set.filter((r) => r.expected === 'pass')
  console.log(
    `${title.padEnd(22)} verdict ${pct(verdict, set.length).padEnd(16)} code ${pct(code, set.length).padEnd(16)} bodystyle ${pct(body, passes.length).padEnd(16)} of labelled passes ${pct(body, labelledPasses.length)}`,
  )
}
const sure = rows.filter((r) => r.label.confidence !== 'low')
console.log(`\n${rows.length} labelled images (${sure.length} high+medium)\n`)
// A labelled row with no photo (or no saved observation under --load) is left out of every
// figure: name them, so a partial set never passes for a whole one.
const unjudged = labels.filter(({ file }) => saved[file] === undefined).map(({ file }) => file)
if (unjudged.length > 0) {
  const shown = unjudged.slice(0, 10).join(', ')
  console.log(
    `${unjudged.length} labelled rows left out (no photo in images/${values.load === undefined ? '' : ' or no saved observation'}): ${shown}${unjudged.length > 10 ? ', …' : ''}\n`,
  )
}
summary('high+medium rows', sure)
summary('all rows', rows)

/** A row's class: the code of a reject, or pass with its body style, so style mix-ups show too. */
const classOf = (outcome: string, bodystyle: string | undefined) =>
  outcome === 'pass' ? `pass/${bodystyle ?? '?'}` : short(outcome)
const labelled = (r: Row) => classOf(r.expected, r.label.bodystyle)
const judged = (r: Row) => classOf(r.got, r.detection.bodystyle)
const classes = [...new Set(rows.flatMap((r) => [labelled(r), judged(r)]))].sort()
function confusion(title: string, set: Row[]): void {
  const width = Math.max(...classes.map((c) => c.length), 8) + 2
  console.log(
    `\nConfusion matrix, ${title} (rows: label, columns: local detector; right: agreement)\n`,
  )
  console.log(
    ''.padEnd(width) + classes.map((c) => c.padStart(width)).join('') + '  agree'.padStart(width),
  )
  for (const expected of classes) {
    const inClass = set.filter((r) => labelled(r) === expected)
    if (inClass.length === 0) continue
    const cells = classes.map((got) =>
      String(inClass.filter((r) => judged(r) === got).length || '.').padStart(width),
    )
    const agree = inClass.filter((r) => judged(r) === expected).length
    console.log(expected.padEnd(width) + cells.join('') + `  ${pct(agree, inClass.length)}`)
  }
}
confusion('high+medium rows', sure)
confusion('all rows', rows)

/** Which rule decided each row, and how often its outcome agrees with the label. */
const byRule = new Map<string, Row[]>()
for (const r of rows) {
  const rule =
    'header' in (saved[r.label.file] ?? {}) ? 'header' : (r.detection.evidence?.rule ?? '?')
  byRule.set(rule, [...(byRule.get(rule) ?? []), r])
}
console.log(
  '\nDeciding rule: rows where its outcome matches the label (code, and body style on passes)\n',
)
for (const [rule, set] of [...byRule].sort((a, b) => b[1].length - a[1].length)) {
  const right = set.filter((r) => labelled(r) === judged(r)).length
  const sureSet = set.filter((r) => r.label.confidence !== 'low')
  const sureRight = sureSet.filter((r) => labelled(r) === judged(r)).length
  console.log(
    `${rule.padEnd(18)} all ${pct(right, set.length).padEnd(16)} high+medium ${pct(sureRight, sureSet.length)}`,
  )
}

for (const variant of variants) {
  const unsaved = rows.filter((r) => {
    const seen = saved[r.label.file]
    return (
      seen !== undefined && 'observation' in seen && seen.variants?.[variant.name] === undefined
    )
  })
  if (unsaved.length > 0) {
    console.log(
      `\n--${variant.name}: ${unsaved.length} saved observations have no such one; run again without --load (with --save to keep them).`,
    )
    continue
  }
  const pairs = rows.flatMap((r) => {
    const seen = saved[r.label.file]
    if (seen === undefined) return []
    if ('header' in seen) return variant.keepsHeader ? [{ r, f: r }] : []
    const observation = seen.variants?.[variant.name]
    if (observation === undefined || observation === null) return []
    const detection = judge(observation)
    return [{ r, f: { ...r, detection, got: outcome(detection) } }]
  })
  const headers = variant.keepsHeader
    ? 0
    : rows.filter((r) => 'header' in (saved[r.label.file] ?? {})).length
  const tooSmall = rows.length - pairs.length - headers
  const left = [
    headers > 0 ? `${headers} decided by the header` : '',
    tooSmall > 0 ? `${tooSmall} with a shortest side at or under ${LIMITS.minShortestSide} px` : '',
  ].filter(Boolean)
  console.log(
    `\n${variant.title} (the labels stand; a rule that flips rides on chance)${left.length > 0 ? `: ${pairs.length} of ${rows.length} rows (left out: ${left.join(', ')})` : ''}\n`,
  )
  const isSure = (r: Row) => r.label.confidence !== 'low'
  const before = pairs.map(({ r }) => r)
  const after = pairs.map(({ f }) => f)
  if (pairs.length < rows.length) {
    summary('as they are, h+m', before.filter(isSure))
    summary('as they are, all', before)
  }
  summary('high+medium rows', after.filter(isSure))
  summary('all rows', after)
  const changed = pairs.filter(({ r, f }) => judged(r) !== judged(f))
  console.log(
    `\noutcome changed (${variant.name}): ${changed.length} of ${pairs.length} rows (${changed.filter(({ r }) => isSure(r)).length} of ${before.filter(isSure).length} high+medium)`,
  )
  const rule = (r: Row) => r.detection.evidence?.rule ?? 'header'
  for (const { r, f } of changed)
    console.log(
      `  ${r.label.file} (${r.label.confidence}, label ${labelled(r)}): ${judged(r)} by ${rule(r)} → ${judged(f)} by ${rule(f)}`,
    )
}

const times = Object.values(saved)
  .flatMap((s) => ('ms' in s ? [s.ms] : []))
  .sort((a, b) => a - b)
if (times.length > 0 && values.load === undefined) {
  const at = (q: number) =>
    (times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? 0).toFixed(0)
  console.log(
    `\npipeline (decode, observe, judge) per image: median ${at(0.5)} ms, p90 ${at(0.9)} ms`,
  )
}

const misses = rows.filter(
  (r) =>
    r.expected !== r.got || (r.expected === 'pass' && r.detection.bodystyle !== r.label.bodystyle),
)
console.log(`\nmisses (${misses.length}; !! = high confidence)`)
for (const r of misses) {
  const flag = r.label.confidence === 'high' ? '!!' : r.label.confidence === 'low' ? '  ' : ' ·'
  const style = (s: string | undefined) => (s ? `/${s}` : '')
  console.log(
    `${flag} ${r.label.file} expected ${short(r.expected)}${style(r.label.bodystyle)} (${r.label.confidence}), got ${short(r.got)}${style(r.detection.bodystyle)}: ${r.detection.message ?? ''}\n     label: ${r.label.note}\n     evidence: ${JSON.stringify(r.detection.evidence ?? {})}`,
  )
}
