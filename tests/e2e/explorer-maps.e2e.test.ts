/**
 * End to end, the maps and per-class views at a laptop's 1280×720 and at 900 px: two frozen-CLIP
 * runs ([S]+[T] and [T] prompts) evaluated by the real engine on 320 SynthMotion videos (40 per
 * unseen class), then `stdd serve` in headless Chromium. Any video's maps (not only the first of its
 * class), one colour scale across runs with legends, the top-k prompts per frame, the per-class
 * list's thumbnails, the confusion legend and the graph-version picker, each asserted on content and
 * on being inside the window and not covered. Screenshots: docs/screenshots/explorer-maps-*.png.
 * Needs the build (made when missing).
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeMap, type ClassVideo, type VideoMaps } from '../../contract'
import type { ServeInfo } from '../../main/cli/serve-child'
import { Engine } from '../../main/engine/engine'
import { tempDir } from '../helpers/temp-dir'
import { ensureBuiltAndChromium, startServeSession, stopServeSession, type ServeSession } from './serve-session'
import { expectNoSidewaysScroll, expectUnclipped } from './visibility'

const SHOTS = join(import.meta.dirname, '..', '..', 'docs', 'screenshots')
const WIDTHS = [
  { width: 1280, height: 720 },
  { width: 900, height: 720 },
] as const
const SUITE = 'maps-walk'
const KEY = 'synthmotion/unseen/unseen classes'
const VIDEOS_PER_CLASS = 40

let dir: ReturnType<typeof tempDir>
let session: ServeSession | undefined
let server: ServeInfo
let page: Page
let consoleErrors: string[] = []

/** What the engine stored, read before the server starts: the walk checks the views against it. */
interface Seeded {
  runIds: number[]
  /** The maps of a video that is not the first of its class, in both runs. */
  maps: VideoMaps[]
  /** The attention scale shared by both runs. */
  attention: { min: number; max: number }
  /** A confusion cell of the second run with its videos. */
  cell: { trueClass: number; predicted: number; videos: ClassVideo[] }
  graphs: string[]
  /** Bytes of one run's kept maps and frames (all 320 videos). */
  mapBytes: number
  confusionMax: number
}
let seeded: Seeded

function writeSuite(dataDir: string): string {
  const folder = join(dataDir, 'experiments')
  mkdirSync(folder, { recursive: true })
  const file = join(folder, `${SUITE}.yaml`)
  writeFileSync(
    file,
    `name: ${SUITE}
description: Frozen CLIP with [S]+[T] vs [T] prompts, 320 evaluated videos (the maps walk)
seed: 0
model: { checkpoint: builtin:synth-clip, stca: { enabled: false }, adaptation: { mode: frozen } }
train: { epochs: 0 }
eval:
  - { dataset: synthmotion, views: 1, synth: { videosPerClass: ${VIDEOS_PER_CLASS} } }
sweep:
  variants:
    - { name: st-prompts, text: { promptSet: st } }
    - { name: t-prompts, text: { promptSet: t } }
`,
  )
  return file
}

async function seed(dataDir: string): Promise<Seeded> {
  const engine = await Engine.start({ dataDir, backend: 'wasm' })
  try {
    await engine.whenBackendReady()
    const launched = await engine.invoke('runs.launch', { file: writeSuite(dataDir) })
    const runIds = launched.runs.map((r) => r.id)
    await engine.runs.runOnly(runIds)
    for (const id of runIds) {
      const r = await engine.invoke('runs.get', { id })
      if (r.status !== 'done') throw new Error(`seed run ${r.name} ended ${r.status}: ${r.error}`)
    }
    const listed = await engine.invoke('maps.videos', { runIds })
    if (listed.length !== 8 * VIDEOS_PER_CLASS) throw new Error(`maps of ${listed.length} videos, expected every one of ${8 * VIDEOS_PER_CLASS}`)
    // The third video of the second class: never the first of its class.
    const video = listed.filter((v) => v.label === 1)[2]!
    const maps = await Promise.all(runIds.map((runId) => engine.invoke('maps.get', { runId, evalKey: video.evalKey, video: video.video })))
    const bytesOf = async (id: number) => new Uint8Array(Buffer.from((await engine.invoke('artifacts.read', { id })).base64, 'base64'))
    const attention = await Promise.all(maps.map(async (m) => decodeMap(await bytesOf(m.attention!.artifactId), m.attention!.encoding)))
    const all = attention.flatMap((a) => [...a])
    const confusion = await engine.invoke('analysis.confusion', { runId: runIds[1]!, evalKey: KEY })
    const off = confusion.counts.flatMap((row, t) => row.map((n, p) => ({ t, p, n }))).filter((c) => c.n > 0).sort((a, b) => Number(a.t === a.p) - Number(b.t === b.p) || b.n - a.n)[0]!
    const videos = await engine.invoke('analysis.videos', { runId: runIds[1]!, evalKey: KEY, trueClass: off.t, predicted: off.p })
    const graphs = (await engine.invoke('graphs.list', {})).map((g) => `${g.name}@${g.version}`)
    const sizes = engine.db.prepare("SELECT kind, COUNT(*) AS n, SUM(length(blob)) AS bytes FROM artifacts WHERE run_id = ? AND (kind IN ('attention_map', 'score_map') OR (kind = 'other' AND mime = 'image/png')) GROUP BY kind").all(runIds[0]!) as { kind: string; n: number; bytes: number }[]
    console.log(`maps of one run's ${listed.length} evaluated videos: ${sizes.map((s) => `${s.kind === 'other' ? 'frames' : s.kind} ${s.n} × ${(s.bytes / s.n / 1024).toFixed(2)} KiB`).join(', ')}; ${(sizes.reduce((a, s) => a + s.bytes, 0) / 2 ** 20).toFixed(2)} MiB in all`)
    const size = { bytes: sizes.reduce((a, s) => a + s.bytes, 0) }
    return { runIds, maps, attention: { min: Math.min(...all), max: Math.max(...all) }, cell: { trueClass: off.t, predicted: off.p, videos }, graphs, mapBytes: size.bytes, confusionMax: Math.max(...confusion.counts.flat()) }
  } finally {
    engine.close()
  }
}

const shot = (name: string, w: number) => page.screenshot({ path: join(SHOTS, `explorer-maps-${name}-${w}.png`) })

beforeAll(async () => {
  ensureBuiltAndChromium()
  dir = tempDir('stdd-e2e-maps-')
  seeded = await seed(dir.path)
  session = await startServeSession(dir.path, ['--backend', 'wasm'], WIDTHS[0])
  ;({ server, page, consoleErrors } = session)
  mkdirSync(SHOTS, { recursive: true })
  await page.goto(server.openUrl)
  await page.waitForFunction(() => (globalThis as { __stddReady?: boolean }).__stddReady === true, undefined, { timeout: 30_000 })
}, 600_000)

afterAll(async () => {
  await stopServeSession(session)
  dir?.remove()
})

it('keeps compact maps of all 320 videos: under 8 KiB a video', () => {
  expect(seeded.mapBytes).toBeLessThan(320 * 8 * 1024)
})

describe.each(WIDTHS)('maps and per-class at $width×$height', ({ width, height }) => {
  beforeAll(async () => {
    await page.setViewportSize({ width, height })
  })

  it('Maps: any video of a class, both runs side by side, attention on one scale with its legend', async () => {
    const m = seeded.maps[0]!
    await page.goto(`${server.url}#/maps?runs=${seeded.runIds.join(',')}&eval=${encodeURIComponent(m.evalKey)}&video=${encodeURIComponent(m.video)}&frame=3`)
    const frames = page.locator('[data-test="maps-frames"]')
    await expect.poll(() => frames.locator('[data-test="maps-run"]').count(), { timeout: 20_000 }).toBe(2)
    await expect.poll(() => frames.locator('[data-test="attention-overlay"]').count()).toBe(2)
    expect(await page.locator('[data-test="maps-video"] option:checked').innerText()).toBe(m.video)
    expect(await page.locator('[data-test="maps-count"]').innerText()).toBe(`${VIDEOS_PER_CLASS} of ${8 * VIDEOS_PER_CLASS} videos`)
    expect(await page.locator('[data-test="frame-number"]').innerText()).toBe('3')
    const { min, max } = seeded.attention
    expect((await page.locator('[data-test="attention-legend"] [data-test="legend-values"] span').allInnerTexts())).toEqual([min, (min + max) / 2, max].map((v) => v.toFixed(3)))
    // The frames came as an image through readArtifact.
    expect(await frames.locator('[data-test="maps-frame"]').first().getAttribute('style')).toContain('data:image/png;base64,')
    await expectUnclipped(page.locator('[data-test="view-title"]'), page.locator('[data-test="maps-class"]'), page.locator('[data-test="maps-video"]'), page.locator('[data-test="frame-slider"]'), page.locator('[data-test="attention-legend"]'))
    await expectUnclipped(frames.locator('[data-test="maps-run"]').nth(0), frames.locator('[data-test="maps-run"]').nth(1))
    await expectNoSidewaysScroll(page)
    await page.locator('[data-test="view-title"]').scrollIntoViewIfNeeded()
    await shot('view', width)
  })

  it('Maps: the top-k prompts per frame ([S]/[T] tagged, scored) and the score matrices on one legend', async () => {
    const tops = page.locator('[data-test="top-prompts"]')
    await expect.poll(() => tops.count()).toBe(2)
    expect(await page.locator('[data-test="top-of"]').inputValue()).toBe('true')
    expect(await page.locator('[data-test="top-k"]').inputValue()).toBe('3')
    // [S]+[T] run: each frame's 3 best clauses of the true class; the [T] run's are all temporal.
    const first = tops.nth(0).locator('[data-test="top-prompts-frame"]')
    expect(await first.count()).toBe(8)
    const frame3 = await first.nth(2).innerText()
    expect(frame3).toMatch(/^3\s/)
    expect(frame3.match(/\d+\.\d\d/g)).toHaveLength(3)
    expect(await first.nth(2).getAttribute('class')).toContain('on')
    const temporal = await tops.nth(1).locator('[data-test="top-prompts-frame"]').nth(0).locator('.kind').allInnerTexts()
    expect(temporal.length).toBeGreaterThan(0)
    expect(new Set(temporal)).toEqual(new Set(['T']))
    await page.selectOption('[data-test="top-k"]', '1')
    await expect.poll(async () => ((await first.nth(0).innerText()).match(/\d+\.\d\d/g) ?? []).length).toBe(1)
    await expectUnclipped(page.locator('[data-test="top-k"]'), page.locator('[data-test="top-of"]'), tops.nth(0))
    await expectUnclipped(tops.nth(1))
    await shot('top-prompts', width)
    await page.selectOption('[data-test="top-k"]', '3')
    const legend = page.locator('[data-test="score-legend"]')
    const values = (await legend.locator('[data-test="legend-values"] span').allInnerTexts()).map(Number)
    expect(values[0]).toBeLessThan(values[2]!)
    await expect.poll(() => page.locator('[data-test="score-matrix"]').count()).toBe(2)
    await expectUnclipped(legend, page.locator('[data-test="score-matrix"]').first())
    await expectNoSidewaysScroll(page)
    expect(consoleErrors).toEqual([])
  })

  it('Per-class: a confusion cell’s videos with their thumbnails, the confusion legend, the graph-version picker', async () => {
    const { trueClass, predicted, videos } = seeded.cell
    await page.goto(`${server.url}#/per-class?runs=${seeded.runIds.join(',')}&eval=${encodeURIComponent(KEY)}&run=${seeded.runIds[1]}&cell=${trueClass},${predicted}`)
    const list = page.locator('[data-test="class-videos"]')
    await expect.poll(() => list.locator('[data-test="class-video"]').count(), { timeout: 20_000 }).toBe(videos.length)
    const thumb = list.locator('[data-test="video-thumbnail"]').first()
    await expect.poll(() => thumb.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBe(8 * 64)
    expect(await list.locator('[data-test="video-maps-link"]').count()).toBe(videos.length) // every video has maps
    const legend = page.locator('[data-test="confusion-legend"]')
    expect(await legend.locator('[data-test="legend-values"] span').allInnerTexts()).toEqual(['0', (seeded.confusionMax / 2).toFixed(0), String(seeded.confusionMax)])
    await expectUnclipped(legend, page.locator('[data-test="confusion-chart"]'))
    await expectUnclipped(list.locator('[data-test="class-video"]').first(), thumb)
    await page.locator('[data-test="evaluate-again-open"]').click()
    const picker = page.locator('[data-test="eval-graph-version"]')
    await expect.poll(() => picker.locator('option').count()).toBe(seeded.graphs.length + 1)
    const options = await picker.locator('option').allInnerTexts()
    for (const g of seeded.graphs) expect(options.some((o) => o.startsWith(g))).toBe(true)
    await expectUnclipped(picker)
    await expectNoSidewaysScroll(page)
    await page.locator('[data-test="confusion-run"]').evaluate((el) => el.scrollIntoView({ block: 'start' }))
    await shot('per-class', width)
    expect(consoleErrors).toEqual([])
  })
})
