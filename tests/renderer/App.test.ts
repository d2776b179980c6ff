import { flushPromises, mount } from '@vue/test-utils'
import { createPinia } from 'pinia'
import { describe, expect, it, vi } from 'vitest'
import type { AppInfo, RunSummary } from '../../contract/api-runtime'
import { fakeBridge } from './fake-bridge'

const info: AppInfo = {
  appVersion: '0.1.0',
  backend: { name: 'wasm', forced: false, skipped: [{ name: 'node', reason: 'not installed' }], detail: 'tfjs-backend-wasm' },
  versions: { node: '20' },
  dataDir: '/home/u/.stdd',
  databasePath: '/home/u/.stdd/stdd.sqlite',
  schemaVersion: 1,
  ffmpeg: { found: false, ffmpegPath: null, ffprobePath: null, version: null, hint: 'install ffmpeg' },
  host: 'h',
  platform: 'linux-x64',
  missing: [],
}

describe('the first screen', () => {
  it('shows the empty state, the backend, and live events as they arrive', async () => {
    const stored: RunSummary[] = []
    const bridge = fakeBridge({
      'app.info': info, 'experiments.list': [], 'runs.list': [], 'logs.recent': [],
      'views.runsTable.get': { columns: [], metrics: [], sort: { key: 'id', dir: 'desc' }, groupBy: null },
      'runs.page': () => ({ rows: stored.map((r) => ({ ...r, config: {}, group: null, best: {} })), total: stored.length, statusCounts: {}, groups: [] }),
    })
    window.api = bridge
    // The bridge is chosen when the renderer's modules load, so they are imported after window.api is set.
    const { default: App } = await import('../../renderer/App.vue')
    const { createExplorerRouter } = await import('../../renderer/router')
    const router = createExplorerRouter()
    const wrapper = mount(App, { global: { plugins: [createPinia(), router] } })
    await flushPromises()
    expect(router.currentRoute.value.name).toBe('runs')
    expect(wrapper.get('[data-test="nav"]').text()).toMatch(/Runs.*Compare.*Ablations.*Per-class.*Maps.*Settings/s)

    expect(wrapper.get('[data-test="empty-state"]').text()).toContain('No runs yet')
    expect(wrapper.get('[data-test="backend"]').text()).toContain('wasm')
    expect(wrapper.get('[data-test="status-bar"]').text()).toContain('ffmpeg missing')
    expect(wrapper.findAll('[data-test="experiment-item"]')).toHaveLength(0)

    bridge.emit('experiments.changed', { id: 1, name: 'table4-adaptation', description: '', filePath: null, createdAt: '2026-11-27T00:00:00Z', runCount: 0 })
    bridge.emit('log', { seq: 1, time: '2026-11-27T01:02:03.000Z', level: 'info', source: 'experiments', message: 'created experiment "table4-adaptation"' })
    await flushPromises()
    expect(wrapper.get('[data-test="experiment-item"]').text()).toContain('table4-adaptation')
    // The Activity panel starts as a rail on a laptop-wide window, counting what arrived; opening it shows the messages.
    expect(wrapper.find('[data-test="activity-list"]').exists()).toBe(false)
    expect(wrapper.get('[data-test="activity-unseen"]').text()).toBe('1')
    await wrapper.get('[data-test="activity-toggle"]').trigger('click')
    expect(wrapper.get('[data-test="activity-list"]').text()).toContain('created experiment')
    expect(wrapper.find('[data-test="activity-unseen"]').exists()).toBe(false)
    await wrapper.get('[data-test="activity-toggle"]').trigger('click')
    expect(wrapper.find('[data-test="activity-list"]').exists()).toBe(false)
    expect(localStorage.getItem('stdd.activityOpen')).toBe('false')

    const run: RunSummary = {
      id: 5, experimentId: 1, experimentName: 'table4-adaptation', name: 'frozen', status: 'running', seed: 1, backend: 'wasm',
      createdAt: '2026-11-27T00:00:00Z', startedAt: '2026-11-27T00:00:00Z', finishedAt: null, error: null, errorKind: null, runSeconds: 0, runningSince: null, tags: [], note: '', archived: false, lastMetrics: { 'train/loss': 2.31, 'train/lr': 0.0001 },
    }
    stored.push(run)
    bridge.emit('runs.changed', run)
    // A new run refetches the table once events settle (debounced): wait for the row, not for a fixed time.
    await vi.waitFor(() => expect(wrapper.find('[data-test="run-row"]').exists()).toBe(true))
    expect(wrapper.find('[data-test="empty-state"]').exists()).toBe(false)
    expect(wrapper.get('[data-test="run-row"]').text()).toMatch(/frozen.*running.*loss 2\.31/s)
    expect(window.__stddReady).toBe(true)

    // The engine process died; a new one marked its run interrupted.
    expect(wrapper.find('[data-test="engine-restarted"]').exists()).toBe(false)
    bridge.emit('engine.restarted', { reason: 'SIGKILL', interruptedRunIds: [5], restarts: 1 })
    await flushPromises()
    expect(wrapper.get('[data-test="engine-restarted"]').text()).toMatch(/The engine stopped \(SIGKILL\) and was restarted;\s+run 5 interrupted — resume to continue from the last checkpoint/)
    await wrapper.get('[data-test="engine-restarted"] button').trigger('click')
    expect(wrapper.find('[data-test="engine-restarted"]').exists()).toBe(false)
  }, 30_000) // the first mount also compiles the renderer
})
