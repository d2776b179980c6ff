import { flushPromises } from '@vue/test-utils'
import { mountApp } from './mount-app'
import { describe, expect, it, vi } from 'vitest'
import type { RunsPageRow, RunSummary } from '../../contract/api-runtime'
import { fakeBridge } from './fake-bridge'
import { appInfo, experiment, summary } from './fixtures'

/** The engine's runs, changed by each test as the engine would; the fake pages and counts them like the engine. */
const engineRuns: RunSummary[] = [
  { ...summary(3, 'table4', 'full,seed=0'), status: 'running', runSeconds: 20, runningSince: new Date(Date.now() - 5000).toISOString(), finishedAt: null },
  { ...summary(2, 'table4', 'prompt,seed=0'), status: 'queued', runSeconds: 0, startedAt: null, finishedAt: null },
  { ...summary(1, 'table4', 'frozen,seed=0'), status: 'failed', error: 'invalid STDD config: stca.masking.ratio must be at most 1', errorKind: 'config' },
]
const counts = () => engineRuns.reduce<Record<string, number>>((c, r) => ({ ...c, [r.status]: (c[r.status] ?? 0) + 1 }), {})

const bridge = fakeBridge({
  'app.info': appInfo,
  'experiments.list': [experiment(1, 'table4', 3)],
  'runs.list': () => engineRuns.map((r) => ({ ...r })),
  'logs.recent': [],
  'views.runsTable.get': { columns: [], metrics: [], sort: { key: 'id', dir: 'desc' }, groupBy: null },
  'runs.page': (i) => ({ rows: engineRuns.slice(i.offset ?? 0, (i.offset ?? 0) + (i.limit ?? 100)).map((r): RunsPageRow => ({ ...r, config: {}, group: null, best: {} })), total: engineRuns.length, statusCounts: counts(), groups: [] }),
  'runs.get': (i) => ({ ...engineRuns.find((r) => r.id === i.id)!, config: {}, configDiff: {}, gitCommit: null, host: null, gemm: null }),
  'runs.metrics': [],
})
window.api = bridge


const row = (w: Awaited<ReturnType<typeof mountApp>>['wrapper'], id: number) => w.findAll('[data-test="run-row"]').find((r) => r.findAll('.cell')[1]!.text() === String(id))!
const chip = (w: Awaited<ReturnType<typeof mountApp>>['wrapper'], s: string) => w.get(`[data-test="status-filter-${s}"]`).text()
const settle = async () => {
  await new Promise((r) => setTimeout(r, 200)) // the status chips refetch once events settle
  await flushPromises()
}

/** What the engine does when a run changes state: store it, then send both events. */
function change(id: number, patch: Partial<RunSummary>): void {
  const i = engineRuns.findIndex((r) => r.id === id)
  engineRuns[i] = { ...engineRuns[i]!, ...patch }
  bridge.emit('runs.changed', engineRuns[i]!)
  bridge.emit('run.state', { runId: id, status: engineRuns[i]!.status, error: engineRuns[i]!.error })
}

describe('live run state', () => {
  it('shows progress and ETA in the row and the detail, and keeps the status chips and rows current from events', async () => {
    const { wrapper } = await mountApp('/runs?detail=3')
    expect(chip(wrapper, 'running')).toBe('1 running')
    bridge.emit('run.progress', { runId: 3, phase: 'train', step: 21, totalSteps: 50, epoch: 0.42, loss: 1.2, throughput: 3, etaSeconds: 63 })
    await flushPromises()
    expect(row(wrapper, 3).get('[data-test="run-progress"]').text()).toMatch(/42%.*ETA 1m 03s/)
    await vi.waitFor(() => expect(wrapper.find('[data-test="run-detail"] [data-test="run-progress"]').exists()).toBe(true), { timeout: 20_000 })
    expect(wrapper.get('[data-test="run-detail"] [data-test="run-progress"]').text()).toMatch(/42%.*training.*21\/50.*ETA 1m 03s/)
    expect(row(wrapper, 3).get('[data-test="run-time"]').text()).toMatch(/^2\ds$/) // 20 s before + the current stretch

    change(3, { status: 'done', runSeconds: 31, runningSince: null, finishedAt: new Date().toISOString() })
    change(2, { status: 'cancelled' })
    await settle()
    expect(row(wrapper, 3).text()).toMatch(/done/i)
    expect(row(wrapper, 3).find('[data-test="run-progress"]').exists()).toBe(false)
    expect(row(wrapper, 3).get('[data-test="run-time"]').text()).toBe('31s')
    expect(wrapper.find('[data-test="run-detail"] [data-test="run-progress"]').exists()).toBe(false)
    expect(chip(wrapper, 'running')).toBe('0 running')
    expect(chip(wrapper, 'cancelled')).toBe('1 cancelled')
    expect(chip(wrapper, 'done')).toBe('1 done')
    wrapper.unmount()
  }, 30_000)

  it('shows a failed run’s error in its row and detail; no Resume for a config error, Resume for a runtime one', async () => {
    const { wrapper, router } = await mountApp('/runs?detail=1')
    expect(row(wrapper, 1).get('[data-test="row-error"]').text()).toContain('config: invalid STDD config')
    await vi.waitFor(() => expect(wrapper.find('[data-test="run-error"]').exists()).toBe(true), { timeout: 20_000 })
    expect(wrapper.get('[data-test="run-error"]').text()).toMatch(/Failed on its config.*stca\.masking\.ratio must be at most 1.*fix the experiment file/s)
    expect(wrapper.find('[data-test="resume-run"]').exists()).toBe(false)

    change(1, { status: 'failed', error: 'out of memory', errorKind: 'runtime' })
    await router.replace('/runs?detail=1')
    await flushPromises()
    expect(wrapper.get('[data-test="run-error"]').text()).toMatch(/out of memory.*Resume continues/s)
    expect(wrapper.find('[data-test="resume-run"]').exists()).toBe(true)
    wrapper.unmount()
  }, 30_000)

  it('reloads the run map, the table and the activity after the link to the engine comes back', async () => {
    const { wrapper } = await mountApp('/runs')
    const { setLinkState } = await import('../../renderer/api/bridge')
    // While the link is down the engine finishes run 3; no event reaches the page.
    setLinkState('closed')
    const i = engineRuns.findIndex((r) => r.id === 2)
    engineRuns[i] = { ...engineRuns[i]!, status: 'done' }
    const before = bridge.calls.length
    setLinkState('open')
    await flushPromises()
    const after = bridge.calls.slice(before).map((c) => c.command)
    expect(after).toEqual(expect.arrayContaining(['runs.list', 'experiments.list', 'runs.page', 'logs.recent']))
    expect(row(wrapper, 2).text()).toMatch(/done/i)
    wrapper.unmount()
  })
})
