import { flushPromises } from '@vue/test-utils'
import { mountApp } from './mount-app'
import { describe, expect, it, vi } from 'vitest'
import type { Experiment, RunsPageRow, RunSummary } from '../../contract/api-runtime'
import { fakeBridge } from './fake-bridge'
import { appInfo, experiment, summary } from './fixtures'

const experiments: Experiment[] = [experiment(1, 'table4', 2)]
const runs: RunSummary[] = [summary(2, 'table4', 'full,seed=0'), summary(1, 'table4', 'frozen,seed=0')]
const row = (r: RunSummary): RunsPageRow => ({ ...r, config: {}, group: null, best: {} })

const bridge = fakeBridge({
  'app.info': appInfo,
  'experiments.list': () => experiments,
  'experiments.create': (i) => {
    const e = experiment(7, i.name, 0)
    experiments.unshift(e)
    return e
  },
  'experiments.files': [
    { file: '/x/suite.yaml', label: 'suite.yaml', source: 'user', name: 'suite', description: '', runs: 3, error: null },
    { file: '/x/empty.yaml', label: 'empty.yaml', source: 'user', name: 'empty', description: '', runs: 0, error: null },
    { file: '/x/table4.yaml', label: 'table4.yaml', source: 'user', name: 'table4', description: '', runs: 3, error: null },
  ],
  'runs.launch': (i) => ({ experiment: experiments.find((e) => e.id === i.experimentId)!, runs: [] }),
  'runs.list': () => runs,
  'logs.recent': [],
  'views.runsTable.get': { columns: [], metrics: [], sort: { key: 'id', dir: 'desc' }, groupBy: null },
  'runs.page': (i) => {
    const ids = i.filter?.experimentIds
    const rows = runs.filter((r) => !ids || ids.includes(r.experimentId)).map(row)
    return { rows, total: rows.length, statusCounts: { done: rows.length }, groups: [] }
  },
  'runs.get': (i) => ({ ...runs.find((r) => r.id === i.id)!, config: {}, configDiff: {}, gitCommit: null, host: null, gemm: null }),
  'runs.metrics': [],
  'runs.move': (i) => runs.filter((r) => i.ids.includes(r.id)).map((r) => ({ ...r, experimentId: i.experimentId })),
  'runs.update': (i) => ({ ...runs.find((r) => r.id === i.id)!, ...(i.name ? { name: i.name } : {}), ...(i.tags ? { tags: i.tags } : {}), ...(i.note !== undefined ? { note: i.note } : {}), ...(i.archived !== undefined ? { archived: i.archived } : {}) }),
  'runs.delete': (i) => ({ deleted: i.ids, freedBytes: 10 }),
  'runs.log': { text: '2026-12-06T04:00:00.000Z info  epoch 1: loss 0.5\n', truncated: false, bytes: 46 },
})
window.api = bridge

const lastCall = (command: string) => bridge.calls.filter((c) => c.command === command).at(-1)?.input

describe('managing runs from the GUI', () => {
  it('a new experiment opens the launch panel aimed at it, and a launch goes into it; a file of 0 runs cannot be launched', async () => {
    const { wrapper } = await mountApp('/runs')
    await wrapper.get('[data-test="new-experiment"]').trigger('click')
    await wrapper.get('[data-test="new-experiment-name"]').setValue('my-study')
    await wrapper.get('[data-test="new-experiment-form"]').trigger('submit')
    await flushPromises()
    expect(wrapper.get('[data-test="view-title"]').text()).toBe('my-study')
    expect(wrapper.find('[data-test="launch-panel"]').exists()).toBe(true)
    expect((wrapper.get('[data-test="launch-target"]').element as HTMLSelectElement).value).toBe('7')
    await wrapper.get('[data-test="launch-overrides"]').setValue('epochs 3')
    expect(wrapper.get('[data-test="launch-overrides-error"]').text()).toContain('line 1 "epochs 3"')
    expect(wrapper.findAll('[data-test="launch-file"]')[0]!.attributes('disabled')).toBeDefined()
    await wrapper.get('[data-test="launch-overrides"]').setValue('train.epochs=3')
    // table4's two finished runs took 600 s each: its file of 3 runs, about 30 min.
    expect(wrapper.findAll('[data-test="experiment-file"]')[2]!.get('[data-test="launch-estimate"]').text()).toContain('≈ 30m 00s')
    const buttons = wrapper.findAll('[data-test="launch-file"]')
    expect(buttons[1]!.attributes('disabled')).toBeDefined()
    expect(buttons[1]!.attributes('title')).toBe('the file expands to no runs')
    await buttons[0]!.trigger('click')
    await flushPromises()
    expect(lastCall('runs.launch')).toEqual({ file: '/x/suite.yaml', overrides: { 'train.epochs': 3 }, experimentId: 7 })
    expect(wrapper.find('[data-test="launch-panel"]').exists()).toBe(false)
    wrapper.unmount()
  })

  it('moves the selected runs to another experiment', async () => {
    const { wrapper } = await mountApp('/runs?runs=1,2')
    await wrapper.get('[data-test="move-selected"]').setValue('7')
    await flushPromises()
    expect(lastCall('runs.move')).toEqual({ ids: [1, 2], experimentId: 7 })
    wrapper.unmount()
  })

  it('renames, tags and archives the open run, shows and offers its log, and deletes it only after confirming', async () => {
    const { wrapper, router } = await mountApp('/runs?detail=2')
    await vi.waitFor(() => expect(wrapper.find('[data-test="run-manage"]').exists()).toBe(true), { timeout: 20_000 })
    await wrapper.get('[data-test="run-name"]').setValue('full (fixed lr)')
    await wrapper.get('[data-test="run-tags"]').setValue('paper, best')
    await wrapper.get('[data-test="run-save"]').trigger('submit')
    await flushPromises()
    expect(lastCall('runs.update')).toEqual({ id: 2, name: 'full (fixed lr)', tags: ['paper', 'best'], note: '' })
    await wrapper.get('[data-test="run-archive"]').trigger('click')
    expect(lastCall('runs.update')).toEqual({ id: 2, archived: true })

    await wrapper.get('[data-test="run-log"]').trigger('click')
    await flushPromises()
    expect(wrapper.get('[data-test="run-log-text"]').text()).toContain('epoch 1: loss 0.5')
    expect(wrapper.get('[data-test="run-log-download"]').attributes('download')).toBe('run-2.log')

    await wrapper.get('[data-test="run-delete"]').trigger('click')
    expect(bridge.calls.some((c) => c.command === 'runs.delete')).toBe(false)
    expect(wrapper.get('[data-test="delete-confirm"]').text()).toMatch(/Delete run #2 full,seed=0 .*cannot be undone/)
    await wrapper.get('[data-test="delete-confirm-yes"]').trigger('click')
    await flushPromises()
    expect(lastCall('runs.delete')).toEqual({ ids: [2] })
    expect(router.currentRoute.value.query.detail).toBeUndefined()
    wrapper.unmount()
  }, 30_000)
})
