import { flushPromises, mount } from '@vue/test-utils'
import { createPinia } from 'pinia'
import { describe, expect, it } from 'vitest'
import type { PivotTableData } from '../../contract/api-runtime'
import { fakeBridge } from './fake-bridge'
import { appInfo, experiment } from './fixtures'

const pivot: PivotTableData = {
  title: 'table4-adaptation',
  rowKeys: ['model.adaptation.mode'],
  columns: ['synthmotion/unseen', 'ucf101/ep1'],
  rows: [
    { label: 'frozen', runIds: [1, 2], values: {}, cells: { 'synthmotion/unseen': { mean: 41.25, std: 2.5, n: 2, over: 'seeds', best: false, runIds: [1, 2] }, 'ucf101/ep1': null } },
    { label: 'full', runIds: [3], values: {}, cells: { 'synthmotion/unseen': { mean: 62.5, std: null, n: 1, over: 'subsets', best: true, runIds: [3] }, 'ucf101/ep1': { mean: 70, std: 1, n: 10, over: 'subsets', best: true, runIds: [3] } } },
  ],
  promptSets: [{ hash: 'abcdef0123456789', kind: 'st', runs: [1, 2, 3] }],
}

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
  'export.pivot': pivot,
  'export.table': (i) => ({ text: i.format === 'latex' ? '\\begin{tabular}{lcc}\n\\toprule\n & synthmotion/unseen \\\\\n\\bottomrule\n' : `format ${i.format}` }),
})
window.api = bridge

describe('the ablations view', () => {
  it('opens a suite from the deep link as its pivot, links cells to their runs and exports LaTeX', async () => {
    const { default: App } = await import('../../renderer/App.vue')
    const { createExplorerRouter } = await import('../../renderer/router')
    const router = createExplorerRouter()
    await router.push('/ablations?experiments=table4-adaptation')
    const wrapper = mount(App, { global: { plugins: [createPinia(), router] }, attachTo: document.body })
    await flushPromises()

    const picker = wrapper.get('[data-test="ablation-picker"]').text()
    expect(picker).toMatch(/table4-adaptation\s*3 runs · paper\/table4-adaptation\.yaml/)
    expect(picker).toMatch(/table5-masking\s*not run yet/)
    expect(wrapper.get('[data-test="ablation-source-table4-adaptation"]').classes()).toContain('on')

    const table = wrapper.get('[data-test="ablation-table"]')
    expect(table.findAll('thead th').map((t) => t.text())).toEqual(['Variant', 'synthmotion/unseen', 'ucf101/ep1'])
    const cells = wrapper.findAll('[data-test="ablation-cell"]')
    expect(cells.map((c) => c.text())).toEqual(['41.3 ± 2.5 (2)', '62.5 (1)', '70.0 ± 1.0 (10)'])
    expect(cells.map((c) => c.classes().includes('best'))).toEqual([false, true, true])
    expect(table.text()).toContain('–') // frozen has no UCF result
    expect(wrapper.text()).toContain('st abcdef012345')

    await wrapper.get('[data-test="export-latex"]').trigger('click')
    await flushPromises()
    expect(bridge.calls.at(-1)).toEqual({ command: 'export.table', input: { experiments: ['table4-adaptation'], format: 'latex' } })
    expect(wrapper.get('[data-test="export-text"]').text()).toContain('\\toprule')
    const download = wrapper.get('[data-test="export-download"]')
    expect(download.attributes('download')).toBe('table4-adaptation.tex')
    expect(download.attributes('href')).toMatch(/^blob:/)

    await cells[0]!.trigger('click')
    await flushPromises()
    expect(router.currentRoute.value.name).toBe('runs')
    expect(router.currentRoute.value.query).toMatchObject({ runs: '1,2', show: 'selected' })
    wrapper.unmount()
  }, 30_000)
})
