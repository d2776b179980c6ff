/**
 * End to end, the knowledge-graph editor: `stdd serve` and headless Chromium. A SynthMotion class's
 * clause is edited in the browser and saved as a new version, its [T] prompts are previewed, and a
 * zero-shot evaluation is queued with it. Needs the build (made when missing) and Debian's chromium.
 */
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openApp, screenshots, useServeSession } from './serve-session'
import { Engine } from '../../main/engine/engine'
import { ExperimentConfig } from '../../main/engine/experiments/schema'
import { createRun, setRunStatus } from '../../main/engine/store/runs'

const NEW_CLAUSE = 'starting with a red square entering from the far left'

/** A finished frozen-CLIP run to evaluate again: its "checkpoint" is the built-in tiny CLIP. */
async function seed(dataDir: string): Promise<{ sourceRunId: number }> {
  const engine = await Engine.start({ dataDir, withoutTf: true })
  const exp = await engine.invoke('experiments.create', { name: 'graph-study', description: 'zero-shot with edited graphs' })
  const config = ExperimentConfig.parse({
    name: 'frozen-synth',
    model: { checkpoint: 'builtin:synth-clip', stca: { enabled: false }, adaptation: { mode: 'frozen' } },
    train: { epochs: 0 },
    eval: [{ dataset: 'synthmotion', views: 1, synth: { videosPerClass: 1 } }],
  })
  const run = createRun(engine.db, { experimentId: exp.id, name: 'frozen-synth', config, configDiff: {}, seed: 0, backend: 'wasm' })
  setRunStatus(engine.db, run.id, 'running')
  setRunStatus(engine.db, run.id, 'done')
  engine.close()
  return { sourceRunId: run.id }
}

const session = useServeSession({ tempPrefix: 'stdd-e2e-graphs-', seed, args: [], viewport: { width: 1440, height: 1000 }, screenshotDir: screenshots, openApp: false, timeoutMs: 240_000 })

describe('the knowledge-graph editor in a browser', () => {
  it('edits a SynthMotion clause into a new version, previews its [T] prompts and queues an evaluation with it', async () => {
    await openApp(session)
    await session.page.click('[data-test="nav-graphs"]')
    await expect.poll(() => session.page.locator('[data-test="graph-title"]').innerText(), { timeout: 20_000 }).toBe('synthmotion-builtin v1')
    expect(session.page.url()).toMatch(/#\/graphs\/synthmotion-builtin\/v\/1\/class\/0$/)
    const className = (await session.page.locator('[data-test="class-title"]').innerText()).split(' key ')[0]!.trim()
    expect(className).toBe('Red Square Sliding Right On Grass')

    // the [T] tab with the hard prompt, through the URL
    await session.page.click('[data-test="preview-t"]')
    await session.page.selectOption('[data-test="preview-style"]', 'hard')
    await expect.poll(() => session.page.locator('[data-test="preview-prompts"]').innerText()).toContain(`This is a video of ${className}, starting with a red square at the left.`)

    await session.page.fill('[data-test="clause-aa-0"]', NEW_CLAUSE)
    await session.page.fill('[data-test="edit-note"]', 'first motion clause reworded in the browser')
    await session.page.click('[data-test="save-class"]')
    await expect.poll(() => session.page.locator('[data-test="graph-title"]').innerText(), { timeout: 20_000 }).toBe('synthmotion-builtin v2')
    expect(session.page.url()).toContain('#/graphs/synthmotion-builtin/v/2/class/0?set=t&style=hard')
    expect(await session.page.locator('[data-test="version-synthmotion-builtin-2"]').innerText()).toMatch(/v2[\s\S]*human 1[\s\S]*from v1[\s\S]*first motion clause reworded in the browser/)

    const prompts = await session.page.locator('[data-test="preview-prompts"] li').allInnerTexts()
    expect(prompts[0]).toBe(`This is a video of ${className}.`)
    expect(prompts[1]).toBe(`This is a video of ${className}, ${NEW_CLAUSE}.`)
    expect(prompts.join('\n')).not.toContain('starting with a red square at the left.')

    await session.page.selectOption('[data-test="diff-against"]', '1')
    await expect.poll(() => session.page.locator('[data-test="version-diff"]').innerText()).toMatch(new RegExp(`xprompt_aa[\\s\\S]*− starting with a red square at the left[\\s\\S]*\\+ ${NEW_CLAUSE}`))

    await session.page.selectOption('[data-test="evaluate-prompts"]', 't')
    expect(await session.page.locator('[data-test="evaluate-run"]').inputValue()).toBe(String(session.seeded.sourceRunId))
    await session.page.click('[data-test="evaluate-button"]')
    await expect.poll(() => session.page.locator('[data-test="evaluate-queued"]').innerText(), { timeout: 20_000 }).toMatch(/Queued #\d+ .*\[prompts t; graph #\d+\]/)
    await expect.poll(() => session.page.locator('[data-test="graph-run"]').allInnerTexts(), { timeout: 20_000 }).toContainEqual(expect.stringMatching(/graph-study/))

    // the engine's view of it: a run of the experiment whose config names the new version
    const r = await fetch(`${session.server.url}api/invoke`, { method: 'POST', headers: { Authorization: `Bearer ${session.server.token}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ command: 'graphs.list', input: {} }) })
    const v2 = ((await r.json()) as { value: { id: number; version: number }[] }).value.find((v) => v.version === 2)!
    expect(await session.page.locator('[data-test="evaluate-queued"]').innerText()).toContain(`graph #${v2.id}`)

    // The view scrolls inside the window: a tall window shows it whole.
    await session.page.setViewportSize({ width: 1600, height: 2300 })
    await session.page.locator('[data-test="graph-title"]').scrollIntoViewIfNeeded()
    await session.page.waitForTimeout(1500) // the force layout settles
    await session.page.screenshot({ path: join(screenshots, 'graphs-editor.png') })
    expect(session.consoleErrors).toEqual([])
  }, 120_000)
})
