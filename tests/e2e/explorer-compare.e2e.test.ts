/**
 * End to end, issue 21's items 8, 9 and 11 at a laptop's 1280×720 and at 900 px, on `stdd serve` in
 * headless Chromium: the scatter of two keys over the compared runs; several curve panels sharing a
 * wall-time axis with seeds pooled into a mean and a 95 % band; writing an experiment file in the
 * launch panel, checked as it is typed ("did you mean"), saved and launched. Each step asserts on
 * content and that what it needs is inside the window and not covered, and that nothing scrolls
 * sideways; the screenshots are committed as docs/screenshots/explorer-<step>-<width>.png.
 */
import { expect, it } from 'vitest'
import { useServeSession } from './serve-session'
import { DOC_SCREENSHOTS, WALK_VIEWPORTS, describeAtEachViewport, docScreenshot, itLeavesNoConsoleErrors } from './viewports'
import { expectNoSidewaysScroll, expectUnclipped } from './visibility'
import { Engine } from '../../main/engine/engine'
import { recordStep } from '../../main/engine/store/metrics'
import { createRun, setRunStatus } from '../../main/engine/store/runs'

const TOP1 = 'eval/ucf101/ep1/top1'
const RUNS = '1,2,3,4'

/** Two configurations with two seeds each (frozen at lr 1e-3, full at lr 5e-4): a loss per step recorded a minute apart, a top-1 per epoch. */
async function seed(dataDir: string): Promise<void> {
  const engine = await Engine.start({ dataDir, withoutTf: true })
  const exp = await engine.invoke('experiments.create', { name: 'table4-adaptation' })
  const start = Date.UTC(2026, 11, 1, 9, 0)
  for (const [mode, lr, seedNo, top1] of [['frozen', 0.001, 0, [30, 35]], ['frozen', 0.001, 1, [32, 39]], ['full', 0.0005, 0, [60, 82]], ['full', 0.0005, 1, [58, 76]]] as const) {
    const r = createRun(engine.db, { experimentId: exp.id, name: `${mode},seed=${seedNo}`, config: { seed: seedNo, model: { adaptation: { mode } }, train: { lr } }, configDiff: {}, seed: seedNo, backend: 'wasm' })
    setRunStatus(engine.db, r.id, 'running')
    for (let step = 1; step <= 20; step++) {
      const time = new Date(start + (step + seedNo * 2) * 60_000).toISOString()
      const epoch = step % 10 === 0 ? step / 10 : null
      recordStep(engine.db, r.id, step, epoch, { 'train/loss': (mode === 'full' ? 2 : 3) / step + seedNo * 0.05, ...(epoch ? { [TOP1]: top1[epoch - 1]! } : {}) }, { time })
    }
    setRunStatus(engine.db, r.id, 'done')
  }
  engine.close()
}

const session = useServeSession({ tempPrefix: 'stdd-e2e-compare-', seed, args: ['--backend', 'wasm'], viewport: WALK_VIEWPORTS[0], screenshotDir: DOC_SCREENSHOTS, openApp: true, timeoutMs: 120_000 })
const shot = (step: string, width: number) => docScreenshot(session.page, 'explorer', step, width)

describeAtEachViewport('the explorer', () => session.page, ({ width }) => {
  it('item 8: a scatter of any two keys, a labelled point per run', async () => {
    await session.page.goto(`${session.server.url}#/compare?runs=${RUNS}&sx=train.lr&sy=${encodeURIComponent(TOP1)}`)
    const card = session.page.locator('[data-test="compare-scatter"]')
    const chart = card.locator('[data-test="scatter-chart"]')
    await chart.locator('svg').waitFor()
    expect(await chart.getAttribute('data-points')).toBe('4')
    await expect.poll(() => chart.locator('svg').textContent()).toMatch(/#1 frozen,seed=0[\s\S]*#4 full,seed=1/)
    expect(await card.locator('[data-test="scatter-x"] option').allInnerTexts()).toEqual(expect.arrayContaining(['model.adaptation.mode', 'seed', 'train.lr', TOP1, 'train/loss']))
    expect(await card.locator('[data-test="scatter-x"]').inputValue()).toBe('train.lr')
    await expectUnclipped(card.locator('h2'), card.locator('[data-test="scatter-x"]'), card.locator('[data-test="scatter-y"]'), chart)
    await expectNoSidewaysScroll(session.page)
    await shot('scatter', width)
    // Another key from the picker: the URL keeps it.
    await card.locator('[data-test="scatter-x"]').selectOption('model.adaptation.mode')
    await expect.poll(() => decodeURIComponent(session.page.url())).toContain('sx=model.adaptation.mode')
  })

  it('item 9: several panels sharing a wall-time axis, seeds pooled into a mean with a 95 % band', async () => {
    await session.page.goto(`${session.server.url}#/compare?runs=${RUNS}&metric=train/loss&x=wall&band=ci95&smooth=0`)
    const card = session.page.locator('[data-test="compare-curves"]')
    await card.locator('[data-test="compare-chart"] svg').first().waitFor()
    // A second panel from the picker.
    await card.locator('[data-test="compare-add-panel"]').selectOption(TOP1)
    await expect.poll(() => card.locator('[data-test="compare-panel"]').count()).toBe(2)
    expect(await card.locator('[data-test="compare-chart"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-metric')))).toEqual(['train/loss', TOP1])
    expect(await card.locator('[data-test="compare-seed-groups"]').innerText()).toBe('Mean and 95 % interval over the seeds of frozen (2 runs), full (2 runs).')
    for (const panel of await card.locator('[data-test="compare-chart"]').all()) {
      await expect.poll(() => panel.locator('svg').textContent()).toMatch(/frozen \(95 % interval\)[\s\S]*frozen \(mean of 2\)/)
      expect(await panel.locator('svg').textContent()).toContain('wall time')
      await expectUnclipped(panel)
    }
    await expectUnclipped(card.locator('[data-test="compare-x"]'), card.locator('[data-test="compare-band"]'), card.locator('[data-test="compare-log"]'))
    expect(await card.locator('[data-test="compare-x"]').inputValue()).toBe('wall')
    await expectNoSidewaysScroll(session.page)
    await card.locator('[data-test="compare-panel"]').first().scrollIntoViewIfNeeded()
    await shot('compare-panels', width)
  })

  it('item 11: a new experiment file, checked as it is typed with "did you mean", saved and launched', async () => {
    await session.page.goto(`${session.server.url}#/runs`)
    await session.page.click('[data-test="experiment-all"]')
    await session.page.click('[data-test="launch"]')
    await session.page.click('[data-test="new-experiment-file"]')
    const editor = session.page.locator('[data-test="experiment-editor"]')
    await editor.locator('[data-test="editor-valid"]').waitFor()
    const name = `edited-${width}`
    // The run is named like its experiment (a variant), so its row shows the name at any width.
    const file = (train: string) => `name: ${name}\nmodel: { checkpoint: /nonexistent/clip-folder }\ntrain:\n  ${train}: 0\nsweep: { variants: [{ name: ${name} }] }\n`
    await editor.locator('[data-test="editor-text"]').fill(file('epocs'))
    const problem = editor.locator('[data-test="editor-problem"]')
    await expect.poll(() => problem.first().innerText(), { timeout: 10_000 }).toMatch(/line 4, column 3\s+train\.epocs: unknown key "epocs"; did you mean "epochs"\?/)
    expect(await editor.locator('[data-test="editor-launch"]').isDisabled()).toBe(true)
    await expectUnclipped(editor.locator('[data-test="editor-text"]'), problem.first(), editor.locator('[data-test="editor-launch"]'))
    await expectNoSidewaysScroll(session.page)
    await shot('editor', width)

    await editor.locator('[data-test="editor-text"]').fill(file('epochs'))
    await expect.poll(() => editor.locator('[data-test="editor-valid"]').innerText(), { timeout: 10_000 }).toBe(`Valid: 1 run of “${name}” (not saved yet).`)
    await editor.locator('[data-test="editor-path"]').fill(`studies/${name}.yaml`)
    await editor.locator('[data-test="editor-launch"]').click()
    await expect.poll(async () => ((await session.page.locator('[data-test="launch-panel"]').count()) === 0 ? 'closed' : await session.page.locator('[data-test="launch-panel"]').innerText())).toBe('closed')
    await expect.poll(() => session.page.locator('[data-test="run-row"]', { hasText: name }).count(), { timeout: 20_000 }).toBe(1)
    // The saved file is in the launch list.
    await session.page.click('[data-test="launch"]')
    await expect.poll(() => session.page.locator('[data-test="experiment-file"]', { hasText: `studies/${name}.yaml` }).count()).toBe(1)
    await session.page.click('[data-test="launch-panel"] header .btn')
  }, 60_000)

  itLeavesNoConsoleErrors(() => session.consoleErrors)
})
