/**
 * End to end: the built application served by `stdd serve`, opened in headless Chromium.
 * Needs `npm run build` (done here when the build is missing) and Debian's chromium
 * (`CHROMIUM_PATH` overrides /usr/bin/chromium).
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openApp, screenshots, useServeSession } from './serve-session'
import { Engine } from '../../main/engine/engine'
import { createRun, setRunStatus } from '../../main/engine/store/runs'
import { recordStep } from '../../main/engine/store/metrics'


/** A user experiment file: frozen tiny CLIP, evaluation only, so it runs in seconds. */
function userExperiment(dataDir: string): void {
  mkdirSync(join(dataDir, 'experiments'), { recursive: true })
  writeFileSync(
    join(dataDir, 'experiments', 'frozen-eval.yaml'),
    'name: frozen-eval\ndescription: Frozen SynthMotion CLIP, zero-shot only\nmodel: { checkpoint: builtin:synth-clip, stca: { enabled: false }, adaptation: { mode: frozen } }\ntrain: { epochs: 0 }\neval:\n  - { dataset: synthmotion, views: 1, synth: { videosPerClass: 2 } }\n',
  )
}

async function seed(dataDir: string): Promise<void> {
  const engine = await Engine.start({ dataDir, withoutTf: true })
  const exp = await engine.invoke('experiments.create', { name: 'table3-text-sets', description: 'Table 3 on SynthMotion' })
  const run = createRun(engine.db, { experimentId: exp.id, name: 'st-prompts-seed1', config: { text: 'st' }, configDiff: { text: 'st' }, seed: 1, backend: 'wasm' })
  setRunStatus(engine.db, run.id, 'running')
  for (let step = 1; step <= 40; step++) recordStep(engine.db, run.id, step, step / 10, { 'train/loss': 3 * Math.exp(-step / 15) + 0.2, 'train/ce': 2.8 * Math.exp(-step / 15) + 0.2 })
  recordStep(engine.db, run.id, 40, 4, { 'eval/synthmotion/unseen/top1': 62.5, 'eval/synthmotion/unseen/top5': 100, 'eval/synthmotion/unseen/n': 1, 'eval/synthmotion/unseen/pair_acc': 75, 'eval/synthmotion/unseen/videos': 64, 'eval/synthmotion/unseen/skipped': 0 })
  setRunStatus(engine.db, run.id, 'done')
  engine.close()
  userExperiment(dataDir)
}

const session = useServeSession({ tempPrefix: 'stdd-e2e-', seed, args: [], viewport: { width: 1440, height: 860 }, screenshotDir: screenshots, openApp: false, timeoutMs: 180_000 })

describe('stdd serve in a browser', () => {
  it('refuses a request without the token', async () => {
    const r = await fetch(session.server.url)
    expect(r.status).toBe(401)
    const api = await fetch(`${session.server.url}api/invoke`, { method: 'POST', body: JSON.stringify({ command: 'experiments.list', input: {} }) })
    expect(api.status).toBe(401)
  })

  it('answers GET /% with 400 from the built bundle (the bundler must not drop the decode as pure)', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port: session.server.port, path: '/%', headers: { Authorization: `Bearer ${session.server.token}` } }, (res) => {
        res.resume()
        resolve(res.statusCode ?? 0)
      })
      req.on('error', reject)
      req.end()
    })
    expect(status).toBe(400)
  })

  it('shows the first screen: runs from the store, the backend in the status bar', async () => {
    await openApp(session)
    expect(await session.page.title()).toBe('STDD Explorer')
    expect(session.page.url()).not.toContain('token=') // the token moved into a cookie
    await expect.poll(() => session.page.locator('[data-test="run-row"]').count()).toBe(1)
    expect(await session.page.locator('[data-test="run-row"]').innerText()).toMatch(/st-prompts-seed1[\s\S]*done[\s\S]*synthmotion\/unseen top-1\s+62\.5/i)
    // The engine picks its backend asynchronously: it arrives as app.info or as the backend.ready event.
    await expect.poll(() => session.page.locator('[data-test="backend"]').innerText(), { timeout: 30_000 }).toMatch(/backend\s+(wasm|cpu|webgpu|node|node-gpu)/)
  })

  it('shows a live event from another client without reloading', async () => {
    const r = await fetch(`${session.server.url}api/invoke`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${session.server.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ command: 'experiments.create', input: { name: 'created-from-a-terminal' } }),
    })
    expect(r.status).toBe(200)
    await expect.poll(() => session.page.locator('[data-test="experiment-item"]').allInnerTexts()).toContainEqual(expect.stringContaining('created-from-a-terminal'))
    // The activity panel is a rail until opened; it counts what arrived meanwhile.
    await session.page.click('[data-test="activity-toggle"]')
    await expect.poll(() => session.page.locator('[data-test="activity-list"]').innerText()).toContain('created experiment "created-from-a-terminal"')
    await session.page.click('[data-test="activity-toggle"]')
  })

  it('creates an experiment from the UI and draws a run\'s metrics', async () => {
    await session.page.click('[data-test="new-experiment"]')
    await session.page.fill('[data-test="new-experiment-form"] input', 'table5-masks')
    await session.page.click('[data-test="new-experiment-form"] button[type="submit"]')
    await expect.poll(() => session.page.locator('[data-test="experiment-item"]').allInnerTexts()).toContainEqual(expect.stringContaining('table5-masks'))
    // A new experiment opens as the current view (empty, the launch panel aimed at it): back to every run.
    await session.page.click('[data-test="experiment-all"]')

    await session.page.click('[data-test="run-row"]')
    expect(await session.page.locator('[data-test="eval-results"]').innerText()).toMatch(/synthmotion\/unseen\s+62\.5[\s\S]*100[\s\S]*75/)
    const canvas = session.page.locator('[data-test="metric-chart"] canvas')
    await canvas.waitFor({ timeout: 10_000 })
    // Count the painted pixels of the chart's canvas (this function runs in the page).
    type Canvas2d = { width: number; height: number; getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } }
    const inked = await canvas.evaluate((el: unknown) => {
      const c = el as Canvas2d
      const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data
      let n = 0
      for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) n++
      return n
    })
    expect(inked).toBeGreaterThan(1000)
    await session.page.screenshot({ path: join(screenshots, 'first-screen.png') })
    expect(session.consoleErrors).toEqual([])
  })

  it('launches an experiment file from the UI and shows the run go from queued to done, live', async () => {
    // The panel may still be open from the new experiment; the button toggles it.
    if (!(await session.page.locator('[data-test="launch-panel"]').isVisible())) await session.page.click('[data-test="launch"]')
    const entry = session.page.locator('[data-test="experiment-file"]', { hasText: 'frozen-eval' })
    await entry.waitFor()
    expect(await session.page.locator('[data-test="experiment-file"]', { hasText: 'table4-adaptation' }).count()).toBe(1) // the shipped suites are listed too
    await session.page.selectOption('[data-test="launch-target"]', '') // into the experiment the file names (not the new one the panel was aimed at)
    await entry.locator('[data-test="launch-file"]').click()
    const row = session.page.locator('[data-test="run-row"]', { hasText: 'frozen-eval' })
    await row.waitFor({ timeout: 10_000 })
    await expect.poll(() => row.innerText(), { timeout: 120_000, interval: 500 }).toMatch(/done[\s\S]*synthmotion\/unseen top-1/i)
    await row.click()
    expect(await session.page.locator('[data-test="eval-results"]').innerText()).toMatch(/synthmotion\/unseen/)
    await session.page.screenshot({ path: join(screenshots, 'run-done.png') })
    expect(session.consoleErrors).toEqual([])
  })
})
