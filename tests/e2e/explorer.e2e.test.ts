/**
 * End to end, the explorer as a researcher uses it every day, at a laptop's 1280×720 and at 900 px:
 * `stdd serve` on a data folder seeded with finished, failed and cancelled runs (metrics, a log), in
 * headless Chromium. Each step asserts on content and that what it needs is on screen — inside the
 * viewport, not covered (by the Activity panel or anything else), no sideways scrolling. The
 * screenshots are committed as docs/screenshots/explorer-*.png. Needs the build (made when missing).
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, expect, it } from 'vitest'
import { useServeSession } from './serve-session'
import { DOC_SCREENSHOTS, WALK_VIEWPORTS, describeAtEachViewport, docScreenshot, itLeavesNoConsoleErrors } from './viewports'
import { expectNoSidewaysScroll, expectUnclipped } from './visibility'
import { Engine } from '../../main/engine/engine'
import { recordStep } from '../../main/engine/store/metrics'
import { createRun, setRunStatus } from '../../main/engine/store/runs'
import { appendRunLog } from '../../main/engine/runs/run-log'

const TOP1 = 'eval/ucf101/ep1/top1'

/** A suite's runs as the engine leaves them: three finished variants with per-epoch top-1, one failed on its config, one cancelled per width. */
async function seed(dataDir: string): Promise<void> {
  const engine = await Engine.start({ dataDir, withoutTf: true })
  const exp = await engine.invoke('experiments.create', { name: 'table4-adaptation', description: 'frozen vs prompt vs full tuning' })
  const make = (name: string, mode: string, top1: number[] | null) => {
    const r = createRun(engine.db, { experimentId: exp.id, name, config: { seed: 0, model: { adaptation: { mode } }, train: { lr: 0.0005 } }, configDiff: { 'model.adaptation.mode': mode }, seed: 0, backend: 'wasm' })
    setRunStatus(engine.db, r.id, 'running')
    top1?.forEach((v, e) => recordStep(engine.db, r.id, e + 1, e + 1, { [TOP1]: v, 'train/loss': 3 - e }))
    return r.id
  }
  for (const [name, mode, top1] of [['frozen,seed=0', 'frozen', [30, 35]], ['prompt,seed=0', 'prompt', [50, 45]], ['full,seed=0', 'full', [60, 82]], ['STCA & WSM 50%,seed=0', 'full', [55, 61]]] as const) {
    setRunStatus(engine.db, make(name, mode, [...top1]), 'done')
  }
  const failed = make('masks,seed=0', 'full', null)
  setRunStatus(engine.db, failed, 'failed', 'invalid STDD config: stca.masking.ratio must be at most 1', { errorKind: 'config' })
  for (const w of WALK_VIEWPORTS) setRunStatus(engine.db, make(`scratch-${w.width},seed=0`, 'full', [10]), 'cancelled')
  const full = (engine.db.prepare("SELECT id FROM runs WHERE name = 'full,seed=0'").get() as { id: number }).id
  const runDir = join(dataDir, 'runs', String(full))
  mkdirSync(runDir, { recursive: true })
  appendRunLog(runDir, 'info', 'started on this machine (backend wasm)')
  appendRunLog(runDir, 'info', 'epoch 2: loss 1.000, ucf101/ep1 top-1 82.0')
  engine.close()
  // A file whose run fails as soon as it starts (no such checkpoint): launched from the GUI, it shows the live state.
  mkdirSync(join(dataDir, 'experiments'), { recursive: true })
  writeFileSync(join(dataDir, 'experiments', 'broken-checkpoint.yaml'), 'name: broken-checkpoint\nmodel: { checkpoint: /nonexistent/clip-folder }\ntrain: { epochs: 0 }\n')
}

const session = useServeSession({ tempPrefix: 'stdd-e2e-explorer-', seed, args: ['--backend', 'wasm'], viewport: WALK_VIEWPORTS[0], screenshotDir: DOC_SCREENSHOTS, openApp: true, timeoutMs: 120_000 })
const shot = (step: string, width: number) => docScreenshot(session.page, 'explorer', step, width)
const row = (text: string) => session.page.locator('[data-test="run-row"]', { hasText: text }).first()
async function filter(text: string): Promise<void> {
  await session.page.fill('[data-test="runs-filter"]', text)
  await session.page.waitForTimeout(400) // the filter waits for a pause in typing
}
/** Opens the detail's "Name, tags, note, archive, delete, log" section (it stays open across runs). */
async function openManage(): Promise<void> {
  const details = session.page.locator('[data-test="run-manage-open"]')
  if ((await details.getAttribute('open')) === null) await details.locator('> summary').click()
}

describeAtEachViewport('the explorer', () => session.page, ({ width }) => {
  beforeAll(async () => {
    await session.page.goto(`${session.server.url}#/runs`)
    await session.page.click('[data-test="experiment-all"]')
    await session.page.locator('[data-test="run-row"]').first().waitFor({ timeout: 20_000 })
  })

  it('Runs: every run, status chips, the Activity panel as a rail that opens and hides', async () => {
    // 7 seeded runs; at 900 px one scratch run is deleted and the launched one has joined.
    await expect.poll(() => session.page.locator('[data-test="run-row"]').count()).toBe(7)
    expect(await session.page.locator('[data-test="status-filter-failed"]').innerText()).toBe(width === 1280 ? '1 failed' : '2 failed')
    expect(await row('masks').locator('[data-test="row-error"]').innerText()).toContain('config: invalid STDD config')
    await expectUnclipped(session.page.locator('[data-test="view-title"]'), session.page.locator('[data-test="runs-filter"]'), session.page.locator('[data-test="status-filter-failed"]'), row('full,seed=0'), session.page.locator('[data-test="activity-toggle"]'))
    await expectNoSidewaysScroll(session.page)
    await session.page.click('[data-test="activity-toggle"]')
    await session.page.locator('[data-test="activity-list"]').waitFor()
    await expectUnclipped(session.page.locator('[data-test="activity-list"]'), session.page.locator('[data-test="activity-toggle"]'))
    await shot('activity', width)
    await session.page.click('[data-test="activity-toggle"]')
    await expect.poll(() => session.page.locator('[data-test="activity-list"]').count()).toBe(0)
    await shot('runs', width)
  })

  it('Runs: metric columns (final and best), a metric filter kept in the URL, an unknown key named', async () => {
    if ((await session.page.locator('[data-test="metric-cell"]').count()) === 0) {
      await session.page.click('[data-test="pick-columns"]')
      await session.page.locator('[data-test="metric-option"]', { hasText: TOP1 }).locator('input').check()
      await session.page.click('[data-test="column-picker"] header .btn')
    }
    await expect.poll(() => row('prompt,seed=0').locator('[data-test="metric-cell"]').innerText()).toBe('45 best 50')
    await filter('top1>40')
    await expect.poll(() => session.page.locator('[data-test="run-row"]').count()).toBe(3)
    expect(decodeURIComponent(session.page.url())).toContain('q=top1>40')
    await filter('eval.ucf101.ep1.top1 >= 80')
    await expect.poll(() => session.page.locator('[data-test="run-row"]').count()).toBe(1)
    expect(await session.page.locator('[data-test="run-row"]').innerText()).toContain('full,seed=0')
    await expectUnclipped(row('full,seed=0').locator('[data-test="metric-cell"]'))
    await expectNoSidewaysScroll(session.page)
    await shot('metric-filter', width)
    await filter('model.adaptaton.mode=full')
    const error = session.page.locator('[role="alert"]', { hasText: 'adaptaton' })
    await expect.poll(() => error.innerText()).toMatch(/no config key and no metric of any run; did you mean "model\.adaptation\.mode"/)
    await expectUnclipped(error)
    await filter('')
  })

  it('Runs: a failed run shows its error in the detail, without Resume for a config error; the detail is on screen', async () => {
    await row('masks').click()
    const error = session.page.locator('[data-test="run-error"]')
    await error.waitFor()
    expect(await error.innerText()).toMatch(/Failed on its config[\s\S]*stca\.masking\.ratio must be at most 1[\s\S]*fix the experiment file/)
    expect(await session.page.locator('[data-test="resume-run"]').count()).toBe(0)
    await expectUnclipped(session.page.locator('[data-test="run-detail"] h2'), error, session.page.locator('[data-test="close-detail"]'))
    await expectNoSidewaysScroll(session.page)
    await shot('failed-run', width)
  })

  it('Runs: tag a run, read its log, delete a run with its files after confirming', async () => {
    await row('full,seed=0').click()
    await openManage()
    await session.page.fill('[data-test="run-tags"]', `paper w${width}`)
    await session.page.click('[data-test="run-save"]')
    await expect.poll(() => row('full,seed=0').locator('[data-test="row-tag"]').allInnerTexts()).toEqual(['paper', `w${width}`])
    await session.page.click('[data-test="run-log"]')
    const log = session.page.locator('[data-test="run-log-text"]')
    await expect.poll(() => log.innerText()).toContain('epoch 2: loss 1.000, ucf101/ep1 top-1 82.0')
    expect(await session.page.locator('[data-test="run-log-download"]').getAttribute('download')).toMatch(/^run-\d+\.log$/)
    await expectUnclipped(session.page.locator('[data-test="run-tags"]'), session.page.locator('[data-test="run-log-download"]'))
    await shot('run-manage', width)

    await row(`scratch-${width}`).click()
    await expect.poll(() => session.page.locator('[data-test="run-detail"] h2').innerText()).toContain(`scratch-${width}`)
    await openManage()
    await session.page.click('[data-test="run-delete"]')
    const confirm = session.page.locator('[data-test="delete-confirm"]')
    await expectUnclipped(confirm.locator('p'), session.page.locator('[data-test="delete-confirm-yes"]'))
    await session.page.click('[data-test="delete-confirm-yes"]')
    await expect.poll(() => session.page.locator('[data-test="run-row"]', { hasText: `scratch-${width}` }).count()).toBe(0)
  })

  it('Knowledge graphs: an unsaved edit is previewed and guarded; a deep link to a missing version says so', async () => {
    await session.page.goto(`${session.server.url}#/graphs/synthmotion-builtin/v/1/class/0?set=t&style=hard`)
    const clause = session.page.locator('[data-test="clause-aa-0"]')
    await clause.waitFor()
    await clause.fill(`starting far left at ${width}`)
    await expect.poll(() => session.page.locator('[data-test="preview-prompts"]').innerText(), { timeout: 10_000 }).toContain(`starting far left at ${width}`)
    await expectUnclipped(session.page.locator('[data-test="graph-title"]'), session.page.locator('[data-test="preview-unsaved"]'), session.page.locator('[data-test="graph-chart"]'), clause)
    await expectNoSidewaysScroll(session.page)
    await shot('graph-editor', width)
    await session.page.click('[data-test="nav-runs"]')
    const guard = session.page.locator('[data-test="unsaved-guard"]')
    await guard.waitFor()
    expect(session.page.url()).toContain('#/graphs/')
    await expectUnclipped(guard.locator('span'), session.page.locator('[data-test="discard-edits"]'))
    await session.page.click('[data-test="discard-edits"]')
    await session.page.locator('[data-test="run-row"]').first().waitFor()

    await session.page.goto(`${session.server.url}#/graphs/synthmotion-builtin/v/9/class/0`)
    const linkError = session.page.locator('[data-test="graph-link-error"]')
    await expect.poll(() => linkError.innerText()).toMatch(/“synthmotion-builtin” has no version 9; its versions are v1/)
    await expectUnclipped(linkError)
  })

  it('Settings: values checked as typed, saved with the engine', async () => {
    await session.page.click('[data-test="nav-settings"]')
    await session.page.fill('[data-test="setting-workers"]', '100')
    await expect.poll(() => session.page.locator('[data-test="setting-workers-error"]').innerText()).toContain('a whole number from 0 to 64')
    expect(await session.page.locator('[data-test="settings-save"]').isDisabled()).toBe(true)
    await session.page.fill('[data-test="setting-workers"]', '1')
    await session.page.selectOption('[data-test="setting-backend"]', 'wasm')
    await session.page.click('[data-test="settings-save"]')
    await session.page.locator('[data-test="settings-saved"]').waitFor()
    await expectUnclipped(session.page.locator('[data-test="setting-workers"]'), session.page.locator('[data-test="settings-save"]'))
    await expectNoSidewaysScroll(session.page)
    await shot('settings', width)
  })

  it('Ablations, Compare, Per-class and Maps open without sideways scrolling', async () => {
    for (const view of ['ablations', 'compare', 'per-class', 'maps']) {
      await session.page.click(`[data-test="nav-${view}"]`)
      await session.page.waitForURL(new RegExp(`#/${view}`))
      await session.page.waitForTimeout(300) // the view's own module loads on first use
      await expectUnclipped(session.page.locator('[data-test="view-title"]:visible'))
      await expectNoSidewaysScroll(session.page)
    }
    await session.page.goto(`${session.server.url}#/ablations?experiments=table4-adaptation`)
    await expect.poll(() => session.page.locator('main.content').innerText()).toMatch(/Row\s+Adaptation\s+ucf101\/ep1/)
    await expectNoSidewaysScroll(session.page)
    await shot('ablations', width)
  })

  it('Compare: parallel coordinates over the differing keys and the target, each key’s importance, curves over epochs on a log scale', async () => {
    await session.page.goto(`${session.server.url}#/compare?runs=1,2,3,4&target=${encodeURIComponent(TOP1)}`)
    const card = session.page.locator('[data-test="compare-parallel"]')
    await card.locator('[data-test="parallel-chart"] svg').waitFor()
    await expect.poll(() => card.locator('[data-test="importance-row"]').first().innerText()).toMatch(/model\.adaptation\.mode\s+[\d.]+\s+correlation ratio/)
    await expectUnclipped(card.locator('h2'), card.locator('[data-test="importance-row"]').first())
    await expectNoSidewaysScroll(session.page)
    await shot('compare-parallel', width)
    // The curves over epochs on a log scale: the axes say so.
    await session.page.goto(`${session.server.url}#/compare?runs=1,2,3,4&metric=${encodeURIComponent(TOP1)}&x=epoch&log=1&smooth=0`)
    const chart = session.page.locator('[data-test="compare-chart"]')
    await expect.poll(() => chart.locator('svg').innerHTML()).toMatch(/epoch[\s\S]*eval\/ucf101\/ep1\/top1 \(log\)|eval\/ucf101\/ep1\/top1 \(log\)[\s\S]*epoch/)
    expect(await chart.getAttribute('data-series')).toBe('4')
    await expectUnclipped(chart, session.page.locator('[data-test="compare-log"]'))
    await session.page.goto(`${session.server.url}#/runs`)
  })

  it('New experiment: the launch panel is aimed at it; a launch lands there and its state goes live, no reload', async () => {
    await session.page.click('[data-test="new-experiment"]')
    await session.page.fill('[data-test="new-experiment-name"]', `study-${width}`)
    await session.page.click('[data-test="new-experiment-create"]')
    const panel = session.page.locator('[data-test="launch-panel"]')
    await panel.waitFor()
    expect(await session.page.locator('[data-test="view-title"]').innerText()).toBe(`study-${width}`)
    expect(await session.page.locator('[data-test="launch-target"] option:checked').innerText()).toContain(`study-${width}`)
    const file = session.page.locator('[data-test="experiment-file"]', { hasText: 'broken-checkpoint' })
    await expectUnclipped(file.locator('[data-test="launch-file"]'), session.page.locator('[data-test="launch-target"]'))
    await shot('launch', width)
    await file.locator('[data-test="launch-file"]').click()
    // Queued, then running, then failed: the row and the chips follow the engine's events.
    await expect.poll(() => session.page.locator('[data-test="run-row"]').count(), { timeout: 20_000 }).toBe(1)
    await expect.poll(() => session.page.locator('[data-test="run-row"]').innerText(), { timeout: 90_000, interval: 500 }).toMatch(/failed/i)
    await expect.poll(() => session.page.locator('[data-test="status-filter-failed"]').innerText()).toBe('1 failed')
    await expect.poll(() => session.page.locator('[data-test="status-filter-running"]').innerText()).toBe('0 running')
    expect(await session.page.locator('[data-test="run-row"] [data-test="row-error"]').innerText()).toMatch(/nonexistent/)
    await session.page.click('[data-test="experiment-all"]')
  }, 120_000)

  itLeavesNoConsoleErrors(() => session.consoleErrors)
})
