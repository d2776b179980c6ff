import { flushPromises } from '@vue/test-utils'
import { mountApp } from './mount-app'
import { describe, expect, it } from 'vitest'
import type { MetricStat, PivotCell, PivotTableData } from '../../contract/api-runtime'
import { fakeBridge } from './fake-bridge'
import { appInfo, experiment } from './fixtures'

const stat = (mean: number, std: number | null, n: number, ci95: [number, number], ciOver: MetricStat['ciOver'], best = false): MetricStat => ({ mean, std, n, ci95, ciOver, videos: 32, best })
const cell = (c: Partial<PivotCell> & Pick<PivotCell, 'metrics'>): PivotCell => ({ delta: null, runIds: [1, 2, 3], seeds: [0, 1, 2], repeats: 0, ...c })

/** Table 4 as the engine returns it: frozen CLIP (the baseline), full tuning (a repeat of seed 0; significant on the pairs), prompt tuning that failed. */
const pivot = (baseline: string): PivotTableData => ({
  title: 'table4-adaptation',
  baseline,
  baselineWithin: [],
  rowKeys: ['model.adaptation.mode', 'model.stca.masking.enabled'],
  factors: [
    { key: 'model.adaptation.mode', header: 'Adaptation' },
    { key: 'model.stca.masking.enabled', header: 'WSM' },
  ],
  columns: [{ key: 'synthmotion/unseen', metrics: ['top1', 'top5', 'pair_acc'], oneVideoMoves: { top1: 3.125 } }],
  rows: [
    {
      label: 'frozen-clip',
      status: 'done',
      baseline: baseline === 'frozen-clip',
      values: { 'model.adaptation.mode': 'frozen', 'model.stca.masking.enabled': false },
      runIds: [1, 2, 3],
      seeds: [0, 1, 2],
      repeats: 0,
      others: [],
      cells: { 'synthmotion/unseen': cell({ metrics: { top1: stat(37.5, 0, 3, [37.5, 37.5], 'seeds'), top5: stat(90, 0, 3, [90, 90], 'seeds'), pair_acc: stat(50, 0, 3, [50, 50], 'seeds') } }) },
    },
    {
      label: 'full',
      status: 'done',
      baseline: baseline === 'full',
      values: { 'model.adaptation.mode': 'full', 'model.stca.masking.enabled': true },
      runIds: [4, 5, 6, 7, 9],
      seeds: [0, 1, 2],
      repeats: 1,
      others: [{ status: 'failed', runIds: [9], names: [] }],
      cells: {
        'synthmotion/unseen': cell({
          runIds: [4, 5, 6, 7],
          repeats: 1,
          metrics: { top1: stat(43.1, 2.2, 3, [37.6, 48.6], 'seeds', true), pair_acc: stat(81.3, 3.1, 3, [73.5, 89.1], 'seeds', true) },
          delta: { top1: { mean: 5.6, std: 2.2, n: 3, ci95: [-1.2, 12.4], p: 0.09, test: 'paired bootstrap over videos', significant: false }, pair_acc: { mean: 31.3, std: 3.1, n: 3, ci95: [22, 40], p: 0.0004, test: 'paired bootstrap over videos', significant: true } },
        }),
      },
    },
    { label: 'prompt', status: 'failed', baseline: false, values: { 'model.adaptation.mode': 'prompt', 'model.stca.masking.enabled': true }, runIds: [8], seeds: [], repeats: 0, others: [{ status: 'failed', runIds: [8], names: [] }], cells: { 'synthmotion/unseen': null } },
  ],
  promptSets: [{ hash: 'abcdef0123456789', kind: 'st', runs: [1, 2, 3] }],
  notes: ['synthmotion/unseen: one test video moves top-1 by 3.1 points (32 videos).'],
})

const bridge = fakeBridge({
  'app.info': appInfo,
  'experiments.list': [experiment(1, 'table4-adaptation', 3)],
  'runs.list': [],
  'logs.recent': [],
  'views.runsTable.get': { columns: [], metrics: [], sort: { key: 'id', dir: 'desc' }, groupBy: null },
  'runs.page': { rows: [], total: 0, statusCounts: {}, groups: [] },
  'experiments.files': [
    { file: '/app/experiments/paper/table4-adaptation.yaml', label: 'paper/table4-adaptation.yaml', source: 'built-in', name: 'table4-adaptation', description: 'Table 4', runs: 8, error: null },
    { file: '/app/experiments/paper/table5-masking.yaml', label: 'paper/table5-masking.yaml', source: 'built-in', name: 'table5-masking', description: 'Table 5', runs: 6, error: null },
  ],
  'export.pivot': (i) => {
    if (i.baseline === 'gone') throw new Error('no row "gone" with results to compare against; the rows are: "frozen-clip", "full"')
    return pivot(i.baseline ?? 'frozen-clip')
  },
  'export.table': (i) => ({ text: i.format === 'latex' ? '\\begin{tabular}{lcc}\n\\toprule\n & synthmotion/unseen \\\\\n\\bottomrule\n' : `format ${i.format}` }),
})
window.api = bridge

describe('the ablations view', () => {
  it('shows factor columns, mean ± std (n) with intervals, deltas with marks, status rows and the one-video note; picks a baseline; exports', async () => {
    const { wrapper, router } = await mountApp('/ablations?experiments=table4-adaptation')

    const picker = wrapper.get('[data-test="ablation-picker"]').text()
    expect(picker).toMatch(/table4-adaptation\s*3 runs · paper\/table4-adaptation\.yaml/)
    expect(picker).toMatch(/table5-masking\s*not run yet/)

    const table = wrapper.get('[data-test="ablation-table"]')
    expect(table.findAll('thead th').map((t) => t.text())).toEqual(['Row', 'Adaptation', 'WSM', 'synthmotion/unseen', 'top-1', 'Δ', 'order pairs', 'Δ'])
    const rows = table.findAll('tbody tr')
    expect(rows.map((r) => r.findAll('td.factor').map((td) => td.text()))).toEqual([['frozen', '✗'], ['full', '✓'], ['prompt', '✓']])
    const cells = wrapper.findAll('[data-test="ablation-cell"]')
    expect(cells.map((c) => c.text())).toEqual(['37.5 ± 0.0 (3)[37.5, 37.5]', '50.0 ± 0.0 (3)[50.0, 50.0]', '43.1 ± 2.2 (3)[37.6, 48.6]', '81.3 ± 3.1 (3)[73.5, 89.1]'])
    expect(cells.map((c) => c.classes().includes('best'))).toEqual([false, false, true, true])
    expect(cells[2]!.attributes('title')).toBe('3 seeds (0, 1, 2), runs 4, 5, 6, 7; repeats: 1 (averaged into their seed, not counted). 95 % interval [37.6, 48.6]: Student t over the seeds. Click for the runs.')
    const deltas = rows.map((r) => r.findAll('[data-test="ablation-delta"]').map((d) => d.text()))
    expect(deltas).toEqual([['baseline', 'baseline'], ['+5.6', '+31.3*'], ['–', '–']])
    expect(rows[1]!.find('.sig').attributes('title')).toBe('vs frozen-clip: +31.3 [22.0, 40.0]; 3 seeds paired; paired bootstrap over videos, p = 4.0e-4')
    expect(rows[1]!.get('[data-test="ablation-row-status"]').text()).toBe('repeats: 1 · +1 failed (run 9)')
    expect(rows[2]!.attributes('data-status')).toBe('failed')
    expect(rows[2]!.get('[data-test="ablation-row-status"]').text()).toBe('failed (run 8)')
    expect(wrapper.get('[data-test="ablation-notes"]').text()).toContain('one test video moves top-1 by 3.1 points (32 videos)')
    const caption = wrapper.get('[data-test="ablation-caption"]').text()
    expect(caption).toContain('a Student-t interval over seeds (n ≥ 3)')
    expect(caption).toContain('Δ is the difference from frozen-clip, paired seed by seed on the same videos')
    expect(caption).toContain('st abcdef012345')

    // Another baseline: the URL and the engine call follow; exports use it too.
    const select = wrapper.get('[data-test="ablation-baseline"]')
    expect(select.findAll('option').map((o) => o.text())).toEqual(['frozen-clip', 'full'])
    await select.setValue('full')
    await flushPromises()
    expect(router.currentRoute.value.query).toMatchObject({ experiments: 'table4-adaptation', baseline: 'full' })
    expect(bridge.calls.filter((c) => c.command === 'export.pivot').at(-1)!.input).toEqual({ experiments: ['table4-adaptation'], baseline: 'full' })
    expect(wrapper.findAll('tbody tr')[1]!.findAll('[data-test="ablation-delta"]').map((d) => d.text())).toEqual(['baseline', 'baseline'])

    await wrapper.get('[data-test="export-latex"]').trigger('click')
    await flushPromises()
    expect(bridge.calls.at(-1)).toEqual({ command: 'export.table', input: { experiments: ['table4-adaptation'], format: 'latex', baseline: 'full' } })
    expect(wrapper.get('[data-test="export-text"]').text()).toContain('\\toprule')
    expect(wrapper.get('[data-test="export-download"]').attributes('download')).toBe('table4-adaptation.tex')
    await wrapper.get('[data-test="export-json"]').trigger('click')
    await flushPromises()
    expect(wrapper.get('[data-test="export-download"]').attributes('download')).toBe('table4-adaptation.json')

    // A stale link naming a row that is gone: the default baseline, and a notice why.
    await router.replace({ query: { experiments: 'table4-adaptation', baseline: 'gone' } })
    await flushPromises()
    expect(wrapper.get('[data-test="ablation-baseline-notice"]').text()).toBe('no row "gone" with results to compare against; the rows are: "frozen-clip", "full"; showing differences from frozen-clip instead')
    expect(wrapper.findAll('tbody tr')[0]!.findAll('[data-test="ablation-delta"]').map((d) => d.text())).toEqual(['baseline', 'baseline'])

    await wrapper.findAll('[data-test="ablation-cell"]')[0]!.trigger('click')
    await flushPromises()
    expect(router.currentRoute.value.name).toBe('runs')
    expect(router.currentRoute.value.query).toMatchObject({ runs: '1,2,3', show: 'selected' })
    wrapper.unmount()
  }, 30_000)
})
