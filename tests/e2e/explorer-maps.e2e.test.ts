/**
 * End to end, the maps and per-class views at a laptop's 1280×720 and at 900 px: two frozen-CLIP
 * runs ([S]+[T] and [T] prompts) evaluated by the real engine on 320 SynthMotion videos (40 per
 * unseen class), then `stdd serve` in headless Chromium. Any video's maps (not only the first of its
 * class), one colour scale across runs with legends, the top-k prompts per frame, the per-class
 * list's thumbnails, the confusion legend and the graph-version picker, each asserted on content and
 * on being inside the window and not covered. Screenshots: docs/screenshots/explorer-maps-*.png.
 * Needs the build (made when missing).
 */
import { expect, it } from 'vitest'
import { decodeMap, type ClassVideo, type VideoMaps } from '../../contract'
import { seedSuite } from './seed-suite'
import { useServeSession } from './serve-session'
import { DOC_SCREENSHOTS, WALK_VIEWPORTS, describeAtEachViewport, docScreenshot } from './viewports'
import { expectNoSidewaysScroll, expectUnclipped } from './visibility'

const SUITE = 'maps-walk'
const KEY = 'synthmotion/unseen/unseen classes'
const VIDEOS_PER_CLASS = 40

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

const SUITE_YAML = `name: ${SUITE}
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
`

function seed(dataDir: string): Promise<Seeded> {
  return seedSuite(dataDir, SUITE, SUITE_YAML, async (engine, runs) => {
    const runIds = runs.map((r) => r.id)
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
  })
}

const session = useServeSession({ tempPrefix: 'stdd-e2e-maps-', seed, args: ['--backend', 'wasm'], viewport: WALK_VIEWPORTS[0], screenshotDir: DOC_SCREENSHOTS, openApp: true, timeoutMs: 600_000 })
const shot = (step: string, width: number) => docScreenshot(session.page, 'explorer-maps', step, width)

it('keeps compact maps of all 320 videos: under 8 KiB a video', () => {
  expect(session.seeded.mapBytes).toBeLessThan(320 * 8 * 1024)
})

describeAtEachViewport('maps and per-class', () => session.page, ({ width }) => {
  it('Maps: any video of a class, both runs side by side, attention on one scale with its legend', async () => {
    const m = session.seeded.maps[0]!
    await session.page.goto(`${session.server.url}#/maps?runs=${session.seeded.runIds.join(',')}&eval=${encodeURIComponent(m.evalKey)}&video=${encodeURIComponent(m.video)}&frame=3`)
    const frames = session.page.locator('[data-test="maps-frames"]')
    await expect.poll(() => frames.locator('[data-test="maps-run"]').count(), { timeout: 20_000 }).toBe(2)
    await expect.poll(() => frames.locator('[data-test="attention-overlay"]').count()).toBe(2)
    expect(await session.page.locator('[data-test="maps-video"] option:checked').innerText()).toBe(m.video)
    expect(await session.page.locator('[data-test="maps-count"]').innerText()).toBe(`${VIDEOS_PER_CLASS} of ${8 * VIDEOS_PER_CLASS} videos`)
    expect(await session.page.locator('[data-test="frame-number"]').innerText()).toBe('3')
    const { min, max } = session.seeded.attention
    expect((await session.page.locator('[data-test="attention-legend"] [data-test="legend-values"] span').allInnerTexts())).toEqual([min, (min + max) / 2, max].map((v) => v.toFixed(3)))
    // The frames came as an image through readArtifact.
    expect(await frames.locator('[data-test="maps-frame"]').first().getAttribute('style')).toContain('data:image/png;base64,')
    await expectUnclipped(session.page.locator('[data-test="view-title"]'), session.page.locator('[data-test="maps-class"]'), session.page.locator('[data-test="maps-video"]'), session.page.locator('[data-test="frame-slider"]'), session.page.locator('[data-test="attention-legend"]'))
    await expectUnclipped(frames.locator('[data-test="maps-run"]').nth(0), frames.locator('[data-test="maps-run"]').nth(1))
    await expectNoSidewaysScroll(session.page)
    await session.page.locator('[data-test="view-title"]').scrollIntoViewIfNeeded()
    await shot('view', width)
  })

  it('Maps: the top-k prompts per frame ([S]/[T] tagged, scored) and the score matrices on one legend', async () => {
    const tops = session.page.locator('[data-test="top-prompts"]')
    await expect.poll(() => tops.count()).toBe(2)
    expect(await session.page.locator('[data-test="top-of"]').inputValue()).toBe('true')
    expect(await session.page.locator('[data-test="top-k"]').inputValue()).toBe('3')
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
    await session.page.selectOption('[data-test="top-k"]', '1')
    await expect.poll(async () => ((await first.nth(0).innerText()).match(/\d+\.\d\d/g) ?? []).length).toBe(1)
    await expectUnclipped(session.page.locator('[data-test="top-k"]'), session.page.locator('[data-test="top-of"]'), tops.nth(0))
    await expectUnclipped(tops.nth(1))
    await shot('top-prompts', width)
    await session.page.selectOption('[data-test="top-k"]', '3')
    const legend = session.page.locator('[data-test="score-legend"]')
    const values = (await legend.locator('[data-test="legend-values"] span').allInnerTexts()).map(Number)
    expect(values[0]).toBeLessThan(values[2]!)
    await expect.poll(() => session.page.locator('[data-test="score-matrix"]').count()).toBe(2)
    await expectUnclipped(legend, session.page.locator('[data-test="score-matrix"]').first())
    await expectNoSidewaysScroll(session.page)
    expect(session.consoleErrors).toEqual([])
  })

  it('Per-class: a confusion cell’s videos with their thumbnails, the confusion legend, the graph-version picker', async () => {
    const { trueClass, predicted, videos } = session.seeded.cell
    await session.page.goto(`${session.server.url}#/per-class?runs=${session.seeded.runIds.join(',')}&eval=${encodeURIComponent(KEY)}&run=${session.seeded.runIds[1]}&cell=${trueClass},${predicted}`)
    const list = session.page.locator('[data-test="class-videos"]')
    await expect.poll(() => list.locator('[data-test="class-video"]').count(), { timeout: 20_000 }).toBe(videos.length)
    const thumb = list.locator('[data-test="video-thumbnail"]').first()
    await expect.poll(() => thumb.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBe(8 * 64)
    expect(await list.locator('[data-test="video-maps-link"]').count()).toBe(videos.length) // every video has maps
    const legend = session.page.locator('[data-test="confusion-legend"]')
    expect(await legend.locator('[data-test="legend-values"] span').allInnerTexts()).toEqual(['0', (session.seeded.confusionMax / 2).toFixed(0), String(session.seeded.confusionMax)])
    await expectUnclipped(legend, session.page.locator('[data-test="confusion-chart"]'))
    await expectUnclipped(list.locator('[data-test="class-video"]').first(), thumb)
    await session.page.locator('[data-test="evaluate-again-open"]').click()
    const picker = session.page.locator('[data-test="eval-graph-version"]')
    await expect.poll(() => picker.locator('option').count()).toBe(session.seeded.graphs.length + 1)
    const options = await picker.locator('option').allInnerTexts()
    for (const g of session.seeded.graphs) expect(options.some((o) => o.startsWith(g))).toBe(true)
    await expectUnclipped(picker)
    await expectNoSidewaysScroll(session.page)
    await session.page.locator('[data-test="confusion-run"]').evaluate((el) => el.scrollIntoView({ block: 'start' }))
    await shot('per-class', width)
    expect(session.consoleErrors).toEqual([])
  })
})
