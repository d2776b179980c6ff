import { flushPromises } from '@vue/test-utils'
import { mountApp } from './mount-app'
import { describe, expect, it } from 'vitest'
import type { MetricPoint } from '../../contract/api-runtime'
import { fakeBridge } from './fake-bridge'
import { appInfo, experiment, summary } from './fixtures'

const runs = [
  summary(1, 'table4', 'frozen,seed=0', { 'eval/ucf101/ep1/top1': 61.2 }),
  summary(2, 'table4', 'frozen,seed=1', { 'eval/ucf101/ep1/top1': 63.0 }),
  summary(3, 'table4', 'full,seed=0', { 'eval/ucf101/ep1/top1': 70.5 }),
]
const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 12, minute)).toISOString()
const loss = (runId: number, steps: number): MetricPoint[] => Array.from({ length: steps }, (_, i) => ({ runId, step: i + 1, epoch: null, name: 'train/loss', value: 3 / (i + 1), time: at(i) }))
const lr = (runId: number): MetricPoint[] => [1, 2].map((step) => ({ runId, step, epoch: null, name: 'train/lr', value: 0.001 * step * runId, time: at(step) }))

const bridge = fakeBridge({
  'app.info': appInfo,
  'experiments.list': [experiment(1, 'table4', 3)],
  'runs.list': [],
  'logs.recent': [],
  'runs.compare': (i) => ({
    runs: i.ids.map((id) => runs.find((r) => r.id === id)!),
    keys: [
      { key: 'model.adaptation.mode', values: ['frozen', 'frozen', 'full'], differs: true },
      { key: 'seed', values: [0, 1, 0], differs: true },
      { key: 'train.lr', values: [0.001, 0.001, 0.001], differs: false },
    ],
    seedGroups: [
      { label: 'frozen', runIds: i.ids.filter((id) => id !== 3) },
      { label: 'full', runIds: i.ids.filter((id) => id === 3) },
    ],
  }),
  'runs.metrics': (i) => [...loss(i.runId, 10 * i.runId), ...lr(i.runId)],
})
window.api = bridge

describe('the compare view', () => {
  it('diffs the config across all selected runs, overlays their curves and grows them live', async () => {
    const { wrapper, router } = await mountApp('/compare?runs=1,2,3')

    expect(wrapper.get('[data-test="view-title"]').text()).toBe('Compare 3 runs')
    const diff = wrapper.get('[data-test="compare-diff"]')
    expect(diff.findAll('th').map((t) => t.text())).toEqual(['Key', '#1 frozen,seed=0', '#2 frozen,seed=1', '#3 full,seed=0'])
    const rows = () => wrapper.findAll('[data-test="diff-row"]').map((r) => r.findAll('td').map((d) => d.text()))
    expect(rows()).toEqual([['model.adaptation.mode', 'frozen', 'frozen', 'full'], ['seed', '0', '1', '0']])
    expect(diff.text()).toMatch(/top-1 ucf101\/ep1\s*61\.2\s*63\s*70\.5/)
    expect(diff.get('.best').text()).toBe('70.5')

    await wrapper.get('[data-test="diff-only"]').setValue(false)
    await flushPromises()
    expect(router.currentRoute.value.query.all).toBe('1')
    expect(rows()).toContainEqual(['train.lr', '0.001', '0.001', '0.001'])

    const chart = wrapper.get('[data-test="compare-chart"]')
    expect(chart.attributes('data-series')).toBe('3')
    expect(chart.text()).toMatch(/#1 frozen,seed=0 \(raw\).*#1 frozen,seed=0 \(smoothed 0\.60\)/s)
    expect(wrapper.get('[data-test="compare-runs"]').text()).toMatch(/#1 frozen,seed=0.*10 train\/loss points.*#3 full,seed=0.*30 train\/loss points/s)

    // A run still training stores two more steps: the engine's event extends its curve, no refetch.
    const before = bridge.calls.length
    bridge.emit('run.metrics', { runId: 1, points: [{ runId: 1, step: 11, epoch: null, name: 'train/loss', value: 0.2, time: null }, { runId: 1, step: 12, epoch: null, name: 'train/loss', value: 0.19, time: null }] })
    await flushPromises()
    expect(wrapper.get('[data-test="compare-runs"]').text()).toContain('12 train/loss points')
    expect(bridge.calls.length).toBe(before)

    await wrapper.get('[data-test="smoothing"]').setValue('0.9')
    await flushPromises()
    expect(router.currentRoute.value.query.smooth).toBe('0.9')
    wrapper.unmount()
  }, 30_000)

  it('shows several metrics at once, one panel each, sharing the x axis; plots over wall time; pools seeds into a mean with a band', async () => {
    const { wrapper, router } = await mountApp('/compare?runs=1,2,3&smooth=0')
    const panels = () => wrapper.findAll('[data-test="compare-panel"]')
    expect(panels().map((p) => p.get('figcaption').text())).toEqual(['train/loss'])

    await wrapper.get('[data-test="compare-add-panel"]').setValue('train/lr')
    await flushPromises()
    expect(router.currentRoute.value.query.metric).toEqual(['train/loss', 'train/lr'])
    expect(panels().map((p) => p.get('[data-test="compare-chart"]').attributes('data-metric'))).toEqual(['train/loss', 'train/lr'])

    await wrapper.get('[data-test="compare-x"]').setValue('wall')
    await flushPromises()
    expect(router.currentRoute.value.query.x).toBe('wall')
    for (const p of panels()) expect(p.get('[data-test="compare-chart"]').text()).toContain('wall time')

    await wrapper.get('[data-test="compare-band"]').setValue('minmax')
    await flushPromises()
    expect(wrapper.get('[data-test="compare-seed-groups"]').text()).toBe('Mean and min–max over the seeds of frozen (2 runs).')
    const legend = panels()[0]!.get('[data-test="compare-chart"]').text()
    expect(legend).toContain('frozen (min–max)')
    expect(legend).toContain('frozen (mean of 2)')
    expect(legend).toContain('full (mean of 1)')
    expect(legend).not.toContain('#1 frozen,seed=0')

    await panels()[0]!.get('[data-test="compare-remove-panel"]').trigger('click')
    await flushPromises()
    expect(router.currentRoute.value.query.metric).toEqual(['train/lr'])
    expect(panels()).toHaveLength(1)
    wrapper.unmount()
  }, 30_000)

  it('scatters any two keys — a differing config key or a final metric — a labelled point per run', async () => {
    const { wrapper, router } = await mountApp('/compare?runs=1,2,3')
    const card = wrapper.get('[data-test="compare-scatter"]')
    const options = (axis: 'x' | 'y') => card.get(`[data-test="scatter-${axis}"]`).findAll('option').map((o) => o.text())
    expect(options('x')).toEqual(['model.adaptation.mode', 'seed', 'eval/ucf101/ep1/top1'])
    expect(card.get('[data-test="scatter-x"]').element).toHaveProperty('value', 'model.adaptation.mode')
    expect(card.get('[data-test="scatter-y"]').element).toHaveProperty('value', 'eval/ucf101/ep1/top1')
    const chart = card.get('[data-test="scatter-chart"]')
    expect(chart.attributes('data-points')).toBe('3')
    expect(chart.text()).toMatch(/#1 frozen,seed=0[\s\S]*#2 frozen,seed=1[\s\S]*#3 full,seed=0/)

    await card.get('[data-test="scatter-x"]').setValue('seed')
    await flushPromises()
    expect(router.currentRoute.value.query.sx).toBe('seed')
    expect(wrapper.get('[data-test="scatter-chart"]').text()).toMatch(/seed/)
    wrapper.unmount()
  }, 30_000)
})
