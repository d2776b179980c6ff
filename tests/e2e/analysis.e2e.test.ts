/**
 * End to end through the analysis views, on real data: a three-variant SynthMotion suite trained and
 * evaluated by the real engine (the built-in tiny CLIP), then `stdd serve` in headless Chromium:
 * Runs → select 3 runs → Compare → Ablations → export LaTeX → Per-class → Maps → evaluate again.
 * Screenshots go to test-results/analysis-*.png. Needs a current build (`npx electron-vite build`).
 */
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { seedSuite } from './seed-suite'
import { openApp, screenshots, useServeSession } from './serve-session'
import type { ClassVideo, PerClassTable, VideoMaps } from '../../contract'

const SUITE = 'analysis-walk'
const KEY = 'synthmotion/unseen/unseen classes'

/** What the engine computed, read before the server starts: the walk checks the views against it. */
interface Seeded {
  runs: { id: number; name: string; top1: number }[]
  perClass: PerClassTable
  maps: VideoMaps
  videos: ClassVideo[]
}

/** Three variants that tell apart in config and results: frozen CLIP, prompt tuning, full tuning (1 epoch each). */
const SUITE_YAML = `name: ${SUITE}
description: Frozen CLIP vs prompt vs full tuning on SynthMotion (the analysis walk)
seed: 0
model: { checkpoint: builtin:synth-clip }
train:
  data: { dataset: synthmotion, synth: { videosPerClass: 1 } }
  epochs: 1
  batchSize: 2
  globalBatch: 4
  warmupEpochs: 0.5
  lr: 5.0e-4
eval:
  - { dataset: synthmotion, views: 1, synth: { videosPerClass: 2 } }
sweep:
  variants:
    - name: frozen-clip
      model: { stca: { enabled: false }, adaptation: { mode: frozen } }
      train: { epochs: 0 }
    - name: prompt
      model: { adaptation: { mode: prompt } }
    - name: full
      model: { adaptation: { mode: full } }
`

function seed(dataDir: string): Promise<Seeded> {
  return seedSuite(dataDir, SUITE, SUITE_YAML, async (engine, runs) => {
    const ids = runs.map((r) => r.id)
    const perClass = await engine.invoke('analysis.perClass', { runIds: ids, evalKey: KEY, baselineRunId: ids[0]! })
    const first = (await engine.invoke('maps.videos', { runIds: ids }))[0]!
    const maps = await engine.invoke('maps.get', { runId: ids[2]!, evalKey: first.evalKey, video: first.video })
    const videos = await engine.invoke('analysis.videos', { runId: ids[2]!, evalKey: KEY })
    return { runs: runs.map((r) => ({ id: r.id, name: r.name, top1: r.lastMetrics['eval/synthmotion/unseen/top1']! })), perClass, maps, videos }
  })
}

const session = useServeSession({ tempPrefix: 'stdd-e2e-analysis-', seed, args: ['--backend', 'wasm'], viewport: { width: 1440, height: 900 }, screenshotDir: screenshots, openApp: false, timeoutMs: 300_000 })

/** A screenshot of the view; `height` makes the window taller first, for views longer than one screen. */
async function shot(name: string, height = 900): Promise<void> {
  await session.page.setViewportSize({ width: 1440, height })
  await session.page.waitForTimeout(300) // charts follow the resize
  await session.page.screenshot({ path: join(screenshots, `analysis-${name}.png`) })
  await session.page.setViewportSize({ width: 1440, height: 900 })
}

const byName = (name: string) => session.seeded.runs.find((r) => r.name === name)!

describe('the analysis views on a real suite', () => {
  it('Runs: selects the three runs of the suite', async () => {
    await openApp(session)
    await expect.poll(() => session.page.locator('[data-test="run-row"]').count(), { timeout: 20_000 }).toBe(3)
    for (const name of ['frozen-clip', 'prompt', 'full']) {
      const row = session.page.locator('[data-test="run-row"]', { hasText: name }).first()
      expect(await row.innerText()).toMatch(/done/i)
      await row.locator('[data-test="run-select"]').check()
    }
    await expect.poll(() => session.page.locator('[data-test="compare-selected"]').innerText()).toMatch(/Compare 3/)
    await shot('runs')
  })

  it('Compare: the config keys that differ, and the training curves of the trained runs', async () => {
    await session.page.click('[data-test="compare-selected"]')
    const diff = session.page.locator('[data-test="compare-diff"]')
    await diff.waitFor()
    await expect.poll(() => diff.innerText()).toMatch(/model\.adaptation\.mode[\s\S]*frozen[\s\S]*prompt[\s\S]*full/)
    expect(await diff.innerText()).not.toMatch(/model\.checkpoint/) // identical keys are hidden
    await expect.poll(() => session.page.locator('[data-test="compare-chart"]').getAttribute('data-series')).not.toBe('0')
    await shot('compare')
  })

  it('Ablations: the suite’s pivot, one row per variant with its top-1, exported as LaTeX', async () => {
    await session.page.click('[data-test="nav-ablations"]')
    await session.page.click(`[data-test="ablation-source-${SUITE}"]`)
    const table = session.page.locator('[data-test="ablation-table"]')
    await table.waitFor()
    for (const name of ['frozen-clip', 'prompt', 'full']) {
      const row = table.locator('tr', { hasText: name }).first()
      await expect.poll(() => row.innerText()).toContain(byName(name).top1.toFixed(1))
    }
    await session.page.click('[data-test="export-latex"]')
    const latex = session.page.locator('[data-test="export-text"]')
    // Paper-shaped: factor columns (the frozen CLIP's adaptation mode), not variant names; a \label to cite.
    await expect.poll(() => latex.innerText()).toMatch(/\\toprule[\s\S]*Adaptation[\s\S]*frozen[\s\S]*\\bottomrule[\s\S]*\\label\{tab:analysis-walk\}/)
    await shot('ablations')
  })

  it('Per-class: class × run accuracy with deltas against the baseline, a confusion cell’s videos', async () => {
    const [base, , full] = session.seeded.perClass.runs
    await session.page.goto(`${session.server.url}#/per-class?runs=${session.seeded.runs.map((r) => r.id).join(',')}&baseline=${base!.id}&run=${full!.id}`)
    const matrix = session.page.locator('[data-test="perclass-matrix"]')
    await matrix.waitFor()
    const rows = matrix.locator('[data-test="perclass-row"]')
    await expect.poll(() => rows.count()).toBe(session.seeded.perClass.classes.length)
    const firstClass = session.seeded.perClass.classes[0]!
    expect(await rows.first().locator('td').first().innerText()).toBe(firstClass.name)
    expect(await rows.first().locator('[data-test="accuracy"]').allInnerTexts()).toEqual(firstClass.cells.map((c) => c!.accuracy.toFixed(1)))
    expect(await rows.first().locator('[data-test="delta"]').allInnerTexts()).toHaveLength(2) // every run but the baseline
    // Sorting by the full run's delta puts the class it gained most on first.
    await matrix.locator('[data-test="perclass-run"]').nth(2).locator('[data-test="sort-delta"]').click()
    const best = [...session.seeded.perClass.classes].sort((a, b) => b.cells[2]!.delta! - a.cells[2]!.delta! || a.index - b.index)[0]!
    await expect.poll(() => rows.first().locator('td').first().innerText()).toBe(best.name)

    // Click the confusion cell of the first video's (true, predicted) pair in the heatmap.
    const v = session.seeded.videos[0]!
    const chart = session.page.locator('[data-test="confusion-chart"] > div')
    await chart.locator('svg').waitFor()
    const box = (await chart.boundingBox())!
    const k = session.seeded.perClass.classes.length
    // The plot area's margins inside the chart, as the view publishes them.
    const { left, right, top, bottom } = JSON.parse((await session.page.locator('[data-test="confusion-chart"]').getAttribute('data-plot'))!) as Record<'left' | 'right' | 'top' | 'bottom', number>
    await session.page.mouse.click(box.x + left + ((v.predicted + 0.5) * (box.width - left - right)) / k, box.y + top + ((v.trueClass + 0.5) * (box.height - top - bottom)) / k)
    const list = session.page.locator('[data-test="class-videos"]')
    await list.waitFor()
    const sameCell = session.seeded.videos.filter((x) => x.trueClass === v.trueClass && x.predicted === v.predicted)
    await expect.poll(() => list.locator('[data-test="class-video"]').count()).toBe(sameCell.length)
    const text = await list.innerText()
    expect(text).toContain(v.video)
    expect(text).toContain(`predicted ${v.predictedName}`)
    expect(text).toContain(v.top5[1]!.className)
    if (v.orderPair) expect(text).toContain(`Order-only pair with ${v.orderPair.partnerName}`)
    await shot('per-class', 1150)
  })

  it('Maps: one video in every run side by side, one frame slider, the frame × prompt scores labelled with prompts', async () => {
    const m = session.seeded.maps
    await session.page.goto(`${session.server.url}#/maps?runs=${session.seeded.runs.map((r) => r.id).join(',')}&eval=${encodeURIComponent(m.evalKey)}&video=${encodeURIComponent(m.video)}`)
    const frames = session.page.locator('[data-test="maps-frames"]')
    await frames.waitFor()
    await expect.poll(() => frames.locator('[data-test="maps-run"]').count()).toBe(3)
    // The frames come over the artifact route as a PNG, authorised by the page's cookie.
    const png = await session.page.evaluate(async (id) => {
      const r = await fetch(`/api/artifacts/${id}`)
      return { status: r.status, type: r.headers.get('content-type'), size: (await r.arrayBuffer()).byteLength }
    }, m.frames!.artifactId)
    expect(png).toMatchObject({ status: 200, type: 'image/png' })
    expect(png.size).toBeGreaterThan(500)
    expect((await fetch(`${session.server.url}api/artifacts/${m.frames!.artifactId}`)).status).toBe(401) // no token, no bytes
    await expect.poll(() => frames.locator('[data-test="attention-overlay"]').count()).toBe(3)
    await session.page.locator('[data-test="frame-slider"]').fill('5')
    await expect.poll(() => session.page.locator('[data-test="frame-number"]').innerText()).toBe('5')
    await expect.poll(() => session.page.locator('[data-test="score-matrix"]').count()).toBe(3)
    const scores = session.page.locator('[data-test="score-matrix"]').nth(2)
    expect(await scores.locator('[data-test="score-prompts"]').textContent()).toContain(m.scores!.prompts[0]![0]!) // kept column 0: the true class
    await scores.locator('svg').waitFor()
    expect(await scores.locator('svg').innerHTML()).toContain(m.className)
    await shot('maps', 1400)
  })

  it('Evaluate again: queues the full run with the [C] prompts; it finishes and joins the pivot', async () => {
    const full = byName('full')
    await session.page.goto(`${session.server.url}#/per-class?runs=${session.seeded.runs.map((r) => r.id).join(',')}&run=${full.id}`)
    await session.page.locator('[data-test="evaluate-again-open"]').click()
    const form = session.page.locator('[data-test="evaluate-again"]')
    await form.waitFor()
    await form.locator('[data-test="eval-prompt-set"]').selectOption('c')
    await form.locator('[data-test="eval-submit"]').click()
    await expect.poll(() => form.locator('[data-test="eval-queued"]').innerText()).toContain('full,[prompts c]')
    const queued = Number(/Queued run #(\d+)/.exec(await form.locator('[data-test="eval-queued"]').innerText())![1])
    const status = async () => {
      const r = await fetch(`${session.server.url}api/invoke`, { method: 'POST', headers: { Authorization: `Bearer ${session.server.token}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ command: 'runs.get', input: { id: queued } }) })
      const run = ((await r.json()) as { value: { status: string; error: string | null; lastMetrics: Record<string, number> } }).value
      return run.status === 'failed' ? `failed: ${run.error}` : run.status
    }
    await expect.poll(status, { timeout: 90_000, interval: 1000 }).toBe('done')
    await session.page.goto(`${session.server.url}#/ablations?experiments=${SUITE}`)
    const row = session.page.locator('[data-test="ablation-table"] tr', { hasText: 'full,[prompts c]' })
    await expect.poll(() => row.count()).toBe(1)
    await expect.poll(() => row.innerText()).toMatch(/\d+\.\d/)
    expect(session.consoleErrors).toEqual([])
  })
})
