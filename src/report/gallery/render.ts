import { createHash } from 'node:crypto'
import type { ImageResult, ResultStatus } from '../../decide/decide.js'
import type { Evidence } from '../../detect/types.js'
import { MAX_FIELD_CHARS, safeText } from '../../core/untrusted.js'
import { escapeAttribute, escapeHtml } from './html.js'
import { overlaySvg, textOf, type Frame } from './overlay.js'
import { THUMBNAIL_DEFAULTS, type Thumbnail } from './limits.js'

/** One photo's card: its result, and its thumbnail or why it has none. */
export interface GalleryItem {
  result: ImageResult
  thumbnail?: Pick<Thumbnail, 'src' | 'width' | 'height'>
  /** Why there is no thumbnail (the file could not be read or decoded, …). */
  thumbnailProblem?: string
}

export interface GalleryOptions {
  /** What was checked, e.g. "acme/photos #42 at 1a2b3c4"; shown in the heading. */
  title?: string
  /** The detector, e.g. "local detector" or "DashScope animate-anyone-detect-gen2". */
  detector?: string
  /** Cards at most; default `GALLERY_LIMITS.maxCards`. Rejections and errors come first. */
  maxCards?: number
  /** Where the full list is, said when cards are left out; default "the results list every image". */
  fullListHint?: string
}

/**
 * The page's size bound. Every card holds one thumbnail (a JPEG of at most
 * `THUMBNAIL_DEFAULTS.maxBytes`, so `thumbnailChars` of base64) and text fields of at most
 * `MAX_FIELD_CHARS` characters each (escaping makes a character at most 6); the page's own markup,
 * style and script are `pageChars`. `maxPageChars(cards)` is the most a page of that many cards
 * can be; 1,000 cards stay under 50 MB, and real photos make about 20 KB a card.
 */
export const GALLERY_LIMITS = {
  maxCards: 1000,
  thumbnailChars: 'data:image/jpeg;base64,'.length + Math.ceil(THUMBNAIL_DEFAULTS.maxBytes / 3) * 4,
  /** Largest thumbnail side accepted, in pixels. */
  thumbnailSide: 1024,
  cardChars: 16 * 1024,
  pageChars: 64 * 1024,
} as const

export function maxPageChars(cards: number): number {
  return (
    GALLERY_LIMITS.pageChars + cards * (GALLERY_LIMITS.thumbnailChars + GALLERY_LIMITS.cardChars)
  )
}

const STATUS_ORDER: readonly ResultStatus[] = ['reject', 'error', 'accepted', 'pass']
const STATUS_LABEL: Record<ResultStatus, string> = {
  reject: 'Rejected',
  error: 'Not checked',
  accepted: 'Accepted',
  pass: 'Passed',
}
const STATUS_NOTE: Record<ResultStatus, string> = {
  reject: 'The check rejected these photos.',
  error: 'These photos could not be checked (an error, not a verdict).',
  accepted: 'Rejected, but this exact content is listed in accept.',
  pass: 'These photos passed.',
}

const rank = (status: ResultStatus): number => {
  const at = STATUS_ORDER.indexOf(status)
  return at < 0 ? STATUS_ORDER.length : at
}

/** The order cards are shown (and cut) in: rejections, errors, accepted, passes; then code, path. */
export function orderForGallery<T extends { result: ImageResult }>(items: readonly T[]): T[] {
  return [...items].sort(
    (a, b) =>
      rank(a.result.status) - rank(b.result.status) ||
      (a.result.code ?? '\uffff').localeCompare(b.result.code ?? '\uffff') ||
      a.result.path.localeCompare(b.result.path),
  )
}

const STYLE = `
:root { color-scheme: light dark; --bg: #ffffff; --fg: #1f2328; --muted: #59636e; --card: #f6f8fa;
  --line: #d1d9e0; --focus: #0969da; --reject: #cf222e; --error: #9a6700; --accepted: #8250df;
  --pass: #1a7f37; --pressed: #ddf4ff; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #0d1117; --fg: #e6edf3; --muted: #9198a1; --card: #151b23; --line: #3d444d;
    --focus: #4493f8; --reject: #ff7b72; --error: #d29922; --accepted: #ab7df8; --pass: #3fb950;
    --pressed: #1f3a5f; }
}
* { box-sizing: border-box; }
[hidden] { display: none !important; }
body { margin: 0; padding: 1rem; background: var(--bg); color: var(--fg);
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif; }
h1 { font-size: 1.35rem; margin: 0 0 .25rem; }
h2 { font-size: 1.1rem; margin: 1.5rem 0 .5rem; }
p { margin: .25rem 0; }
code { font: .85em ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; overflow-wrap: anywhere; }
.muted { color: var(--muted); }
.note { border-left: 4px solid var(--error); padding: .25rem .75rem; margin: .75rem 0; }
.filters { display: flex; flex-wrap: wrap; gap: .5rem 1.25rem; margin: .75rem 0; align-items: center; }
.filters [role=group] { display: flex; flex-wrap: wrap; gap: .35rem; align-items: center; }
.filters .label { color: var(--muted); font-size: .85rem; margin-right: .15rem; }
button { font: inherit; font-size: .85rem; color: var(--fg); background: var(--card);
  border: 1px solid var(--line); border-radius: 999px; padding: .3rem .75rem; cursor: pointer;
  min-height: 2rem; }
button[aria-pressed=true] { background: var(--pressed); border-color: var(--focus); font-weight: 600; }
button:focus-visible, summary:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.legend { display: flex; flex-wrap: wrap; gap: .25rem 1rem; font-size: .8rem; color: var(--muted);
  margin: 0; padding: 0; list-style: none; }
.legend span { display: inline-block; width: .8rem; height: .8rem; border-radius: 2px;
  vertical-align: -1px; margin-right: .3rem; border: 2px solid; }
.grid { list-style: none; margin: 0; padding: 0; display: grid; gap: .75rem;
  grid-template-columns: repeat(auto-fill, minmax(min(100%, 15rem), 1fr)); }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: .5rem;
  display: flex; flex-direction: column; gap: .35rem; content-visibility: auto;
  contain-intrinsic-size: auto 24rem; }
.card[data-status=reject] { border-top: 4px solid var(--reject); }
.card[data-status=error] { border-top: 4px solid var(--error); }
.card[data-status=accepted] { border-top: 4px solid var(--accepted); }
.card[data-status=pass] { border-top: 4px solid var(--pass); }
.photo { position: relative; width: fit-content; max-width: 100%; margin: 0 auto; }
.photo img { display: block; width: auto; height: auto; max-width: 100%; max-height: 20rem;
  border-radius: 4px; }
.photo svg { position: absolute; inset: 0; width: 100%; height: 100%; overflow: visible; }
.no-overlay .photo svg { display: none; }
.missing { padding: 2rem .75rem; text-align: center; border: 1px dashed var(--line);
  border-radius: 4px; color: var(--muted); width: 100%; }
.badge { font-weight: 700; }
.badge.reject { color: var(--reject); } .badge.error { color: var(--error); }
.badge.accepted { color: var(--accepted); } .badge.pass { color: var(--pass); }
.path { font-weight: 600; }
details { font-size: .85rem; } summary { cursor: pointer; color: var(--muted); }
dl { display: grid; grid-template-columns: auto 1fr; gap: 0 .75rem; margin: .25rem 0; }
dt { color: var(--muted); } dd { margin: 0; }
svg rect, svg line, svg circle, svg polygon { vector-effect: non-scaling-stroke; }
svg rect { fill: none; stroke-width: 2px; }
rect.person { stroke: #2f81f7; } rect.head { stroke: #e3b341; stroke-dasharray: 4 2; }
rect.object { stroke: #f778ba; }
line.bone { stroke: #3fb950; stroke-width: 2px; }
circle.joint { fill: #ffffff; stroke: #238636; stroke-width: 1px; }
line.gaze { stroke: #e3b341; stroke-width: 2.5px; } polygon.gaze, circle.gaze { fill: #e3b341; }
svg text { font: 600 10px system-ui, sans-serif; paint-order: stroke; stroke: #000000;
  stroke-width: 3px; stroke-linejoin: round; fill: #ffffff; }
text.object { fill: #ffd6ec; } text.person { fill: #cae8ff; }
.legend .person { border-color: #2f81f7; } .legend .bone { border-color: #3fb950; }
.legend .head { border-color: #e3b341; } .legend .object { border-color: #f778ba; }
`

const SCRIPT = `
(() => {
  const cards = Array.from(document.querySelectorAll('.card'))
  const groups = Array.from(document.querySelectorAll('section.group'))
  const count = document.getElementById('shown')
  const chosen = { status: '', code: '' }
  const apply = () => {
    let shown = 0
    for (const card of cards) {
      const on = (chosen.status === '' || card.dataset.status === chosen.status) &&
        (chosen.code === '' || card.dataset.code === chosen.code)
      card.hidden = !on
      if (on) shown++
    }
    for (const group of groups) group.hidden = group.querySelector('.card:not([hidden])') === null
    count.textContent = 'Showing ' + shown + ' of ' + cards.length + ' photos.'
  }
  for (const button of document.querySelectorAll('button[data-filter]')) {
    button.addEventListener('click', () => {
      const kind = button.dataset.filter === 'code' ? 'code' : 'status'
      chosen[kind] = button.dataset.value || ''
      for (const other of document.querySelectorAll('button[data-filter="' + kind + '"]'))
        other.setAttribute('aria-pressed', String(other === button))
      apply()
    })
  }
  const overlay = document.getElementById('overlay')
  overlay.addEventListener('click', () => {
    const on = overlay.getAttribute('aria-pressed') !== 'true'
    overlay.setAttribute('aria-pressed', String(on))
    document.body.classList.toggle('no-overlay', !on)
  })
})()
`

const hashOf = (text: string): string =>
  `'sha256-${createHash('sha256').update(text).digest('base64')}'`

/**
 * Nothing may be fetched and only the page's own style and script may run: an injected tag or
 * attribute, had escaping failed, would do nothing.
 */
export const GALLERY_CSP = `default-src 'none'; img-src data:; style-src ${hashOf(STYLE)}; script-src ${hashOf(SCRIPT)}; base-uri 'none'; form-action 'none'`

const THUMBNAIL_SRC = /^data:image\/jpeg;base64,[A-Za-z0-9+/]+={0,2}$/

/** A thumbnail the page may inline: a JPEG data URI within the size bound. */
function usableThumbnail(thumbnail: GalleryItem['thumbnail']): GalleryItem['thumbnail'] {
  if (thumbnail === undefined) return undefined
  const { src, width, height } = thumbnail
  const side = (n: number) => Number.isInteger(n) && n >= 1 && n <= GALLERY_LIMITS.thumbnailSide
  if (src.length > GALLERY_LIMITS.thumbnailChars || !THUMBNAIL_SRC.test(src)) return undefined
  return side(width) && side(height) ? thumbnail : undefined
}

/** Untrusted text for element content: one visible line, capped, escaped. */
const text = (value: string, maxChars: number = MAX_FIELD_CHARS): string =>
  escapeHtml(safeText(value, maxChars))
/** Untrusted text for a double-quoted attribute value: one visible line, capped, escaped. */
const attribute = (value: string, maxChars: number = MAX_FIELD_CHARS): string =>
  escapeAttribute(safeText(value, maxChars))

const number = (value: unknown, digits = 2): string =>
  typeof value === 'number' && Number.isFinite(value) ? String(Number(value.toFixed(digits))) : '?'

function measurements(evidence: Evidence): string {
  const rows: [string, string][] = []
  const people = Array.isArray(evidence.people) ? evidence.people : []
  rows.push([
    'People',
    people.length === 0
      ? 'none'
      : people
          .slice(0, 8)
          .map((p) => `${text(textOf(p.source), 20)} ${number(p.score)}`)
          .join(', '),
  ])
  const head = evidence.head
  if (head !== undefined)
    rows.push([
      'Head',
      `yaw ${number(head.yaw, 1)}°, pitch ${number(head.pitch, 1)}°, roll ${number(head.roll, 1)}°, face ${number(head.faceScore)}`,
    ])
  if (evidence.shoulderRatio !== undefined)
    rows.push(['Shoulder ratio', number(evidence.shoulderRatio)])
  const objects = Array.isArray(evidence.objects) ? evidence.objects : []
  if (objects.length > 0)
    rows.push([
      'Objects',
      objects
        .slice(0, 16)
        .map((o) => `${text(textOf(o.label), 40)} ${number(o.score)}`)
        .join(', '),
    ])
  return `<details><summary>Measurements</summary><dl>${rows
    .map(([name, value]) => `<dt>${name}</dt><dd>${value}</dd>`)
    .join('')}</dl></details>`
}

/**
 * Results may come back from a file (`aa-check merge`): fields the page writes unescaped
 * (status, body style) are held to their known values, text fields to strings.
 */
function wellFormed(item: GalleryItem): GalleryItem {
  const r = item.result
  const string = (value: unknown): string | null => (typeof value === 'string' ? value : null)
  const result: ImageResult = {
    ...r,
    path: string(r.path) ?? '(no path)',
    status: STATUS_ORDER.includes(r.status) ? r.status : 'error',
    bodystyle: r.bodystyle === 'full' || r.bodystyle === 'half' ? r.bodystyle : null,
    code: string(r.code),
    message: string(r.message),
    requestId: string(r.requestId),
  }
  const evidence: unknown = r.evidence
  if (typeof evidence !== 'object' || evidence === null) delete result.evidence
  return { ...item, result }
}

function photo(item: GalleryItem): string {
  const thumbnail = usableThumbnail(item.thumbnail)
  if (thumbnail === undefined) {
    const why =
      item.thumbnailProblem ??
      (item.thumbnail === undefined ? 'no preview was made' : 'the preview is too large')
    return `<div class="missing">No preview: ${text(why)}.</div>`
  }
  const frame: Frame = { width: thumbnail.width, height: thumbnail.height }
  const evidence = item.result.evidence
  const shapes = evidence === undefined ? '' : overlaySvg(evidence, frame)
  const overlay =
    shapes === ''
      ? ''
      : `<svg viewBox="0 0 ${frame.width} ${frame.height}" aria-hidden="true" focusable="false">${shapes}</svg>`
  return `<div class="photo"><img src="${thumbnail.src}" width="${frame.width}" height="${frame.height}" alt="${attribute(item.result.path)}" loading="lazy" decoding="async">${overlay}</div>`
}

function card(item: GalleryItem): string {
  const { result } = item
  const code = result.code ?? ''
  const lines = [
    `<p class="path"><code>${text(result.path)}</code></p>`,
    `<p><span class="badge ${result.status}">${STATUS_LABEL[result.status]}</span>${code === '' ? '' : ` <code>${text(code, 100)}</code>`}${result.bodystyle === null ? '' : ` <span class="muted">${result.bodystyle} body</span>`}</p>`,
  ]
  if (result.message !== null && result.message !== '')
    lines.push(`<p class="message">${text(result.message)}</p>`)
  const evidence = result.evidence
  if (evidence === undefined) {
    lines.push(
      `<p class="muted">No evidence drawn: ${result.status === 'error' ? 'the image was not checked' : "DashScope's verdicts, verdicts reused from an earlier run and checks of the file alone (format, size) carry none"}.${result.requestId === null ? '' : ` Request <code>${text(result.requestId, 100)}</code>.`}</p>`,
    )
  } else {
    lines.push(`<p>Rule: <code>${text(textOf(evidence.rule), 60)}</code></p>`)
    lines.push(measurements(evidence))
  }
  return `<li class="card" data-status="${result.status}" data-code="${attribute(code, 100)}">${photo(item)}${lines.join('')}</li>`
}

function filterButton(kind: 'status' | 'code', value: string, label: string, n: number): string {
  return `<button type="button" data-filter="${kind}" data-value="${attribute(value, 100)}" aria-pressed="${value === '' ? 'true' : 'false'}">${label} <span class="muted">${n}</span></button>`
}

/**
 * One self-contained HTML page of the results: every photo (up to `maxCards`) as an inline
 * thumbnail with the detector's evidence drawn over it as SVG, its verdict, code, message and the
 * rule that decided; grouped by status (rejections first) and filterable by status and code. No
 * request leaves the page (its Content-Security-Policy allows `data:` images and its own style
 * and script only), and every file name, message and label is escaped for where it stands. Pure.
 */
export function renderGallery(given: readonly GalleryItem[], options: GalleryOptions = {}): string {
  const maxCards = Math.max(0, Math.floor(options.maxCards ?? GALLERY_LIMITS.maxCards))
  const items = given.map(wellFormed)
  const ordered = orderForGallery(items)
  const shown = ordered.slice(0, maxCards)
  const left = ordered.length - shown.length

  const statuses = STATUS_ORDER.map(
    (status) => [status, shown.filter((i) => i.result.status === status)] as const,
  ).filter(([, group]) => group.length > 0)
  const codes = new Map<string, number>()
  for (const item of shown) {
    const code = item.result.code
    if (code !== null && code !== '') codes.set(code, (codes.get(code) ?? 0) + 1)
  }

  const counts = STATUS_ORDER.map((status) => ({
    status,
    n: items.filter((i) => i.result.status === status).length,
  }))
    .filter(({ n }) => n > 0)
    .map(({ status, n }) => `${n} ${STATUS_LABEL[status].toLowerCase()}`)
  const title = options.title === undefined ? '' : `: ${text(options.title, 200)}`
  const detector =
    options.detector === undefined ? '' : ` Checked by ${text(options.detector, 200)}.`
  const note =
    left === 0
      ? ''
      : `<p class="note" role="note">${left} more photo${left === 1 ? ' is' : 's are'} not shown, to keep this page's size bounded (at most ${maxCards} cards, rejections and errors first); ${text(options.fullListHint ?? 'the results list every image')}.</p>`

  const statusFilters = [
    filterButton('status', '', 'All', shown.length),
    ...statuses.map(([status, group]) =>
      filterButton('status', status, STATUS_LABEL[status], group.length),
    ),
  ]
  const codeFilters = [
    filterButton('code', '', 'Any code', shown.length),
    ...[...codes]
      .sort(([a], [b]) => a.localeCompare(b))
      .slice(0, 50)
      .map(([code, n]) => filterButton('code', code, `<code>${text(code, 100)}</code>`, n)),
  ]
  const sections = statuses.map(
    ([status, group]) =>
      `<section class="group" data-status="${status}" aria-labelledby="group-${status}"><h2 id="group-${status}">${STATUS_LABEL[status]} <span class="muted">${group.length}</span></h2><p class="muted">${STATUS_NOTE[status]}</p><ul class="grid">${group.map(card).join('\n')}</ul></section>`,
  )

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${GALLERY_CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>AnimateAnyone image check: gallery</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>AnimateAnyone image check${title}</h1>
<p>${items.length} photo${items.length === 1 ? '' : 's'}${counts.length === 0 ? '' : `: ${counts.join(', ')}`}.${detector}</p>
${note}
<ul class="legend" aria-label="What is drawn">
<li><span class="person"></span>person found</li>
<li><span class="bone"></span>keypoints and skeleton</li>
<li><span class="head"></span>head (arrow: where the face points)</li>
<li><span class="object"></span>held or covering object</li>
</ul>
<nav class="filters" aria-label="Filter photos">
<div role="group" aria-label="By status"><span class="label">Status</span>${statusFilters.join('')}</div>
<div role="group" aria-label="By code"><span class="label">Code</span>${codeFilters.join('')}</div>
<button type="button" id="overlay" aria-pressed="true">Evidence drawn</button>
</nav>
<p id="shown" class="muted" role="status" aria-live="polite">Showing ${shown.length} of ${shown.length} photos.</p>
</header>
<main>
${sections.join('\n')}
</main>
<script>${SCRIPT}</script>
</body>
</html>
`
}
