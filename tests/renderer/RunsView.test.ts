import { flushPromises } from '@vue/test-utils'
import { mountApp } from './mount-app'
import { describe, expect, it, vi } from 'vitest'
import type { CommandInput, RunsPageRow, RunsTableView } from '../../contract/api-runtime'
import { fakeBridge } from './fake-bridge'
import { appInfo, experiment, summary } from './fixtures'

/** 1,000 runs in two experiments; the fake pages them like the engine (offset/limit), so the view must ask for what it shows. */
const all: RunsPageRow[] = Array.from({ length: 1000 }, (_, i) => ({
  ...summary(1000 - i, i % 2 ? 'table5' : 'table4', `${i % 3 ? 'full' : 'frozen'},seed=${i % 4}`),
  lastMetrics: { 'eval/ucf101/ep1/top1': 40 + (i % 50) },
  config: { 'model.adaptation.mode': i % 3 ? 'full' : 'frozen', 'train.lr': 0.001 * (1 + (i % 5)) },
  group: null,
  best: { 'eval/ucf101/ep1/top1': 45 + (i % 50) },
}))
let saved: RunsTableView = { columns: ['model.adaptation.mode'], metrics: [], sort: { key: 'id', dir: 'desc' }, groupBy: null }
const pageInputs: CommandInput<'runs.page'>[] = []

const bridge = fakeBridge({
  'app.info': appInfo,
  'experiments.list': [experiment(1, 'table4', 500), experiment(2, 'table5', 500)],
  'runs.list': [],
  'logs.recent': [],
  'views.runsTable.get': () => saved,
  'views.runsTable.set': (v) => (saved = { columns: v.columns, metrics: v.metrics ?? [], sort: v.sort, groupBy: v.groupBy ?? null }),
  'runs.metricKeys': (i) => [{ key: 'eval/ucf101/ep1/top1', runs: 1000 }, { key: 'train/loss', runs: 1000 }].filter((k) => !i.search || k.key.includes(i.search)),
  'runs.configKeys': (i) => [{ key: 'model.adaptation.mode', runs: 1000 }, { key: 'train.lr', runs: 1000 }].filter((k) => !i.search || k.key.includes(i.search)),
  'runs.page': (input) => {
    pageInputs.push(input)
    const offset = input.offset ?? 0
    const grouped = input.groupBy === 'experiment'
    const rows = grouped ? [...all].sort((a, b) => a.experimentName.localeCompare(b.experimentName)) : all
    return {
      rows: rows.slice(offset, offset + (input.limit ?? 100)).map((r) => ({ ...r, group: grouped ? r.experimentName : null })),
      total: all.length,
      statusCounts: { done: 1000 },
      groups: grouped ? [{ label: 'table4', count: 500 }, { label: 'table5', count: 500 }] : [],
    }
  },
  'runs.get': (i) => ({ ...all.find((r) => r.id === i.id)!, config: {}, configDiff: {}, gitCommit: null, host: null, gemm: null }),
  'runs.metrics': [],
})
window.api = bridge


describe('the runs table', () => {
  it('pages through the engine, renders only the rows in view, with the saved config columns', async () => {
    const { wrapper } = await mountApp('/runs')
    expect(wrapper.get('[data-test="runs-total"]').text()).toBe('1000')
    const rows = wrapper.findAll('[data-test="run-row"]')
    expect(rows.length).toBeGreaterThan(10)
    expect(rows.length).toBeLessThan(60) // virtualised: not 1,000 rows in the page
    expect(pageInputs.at(-1)).toMatchObject({ offset: 0, columns: ['model.adaptation.mode'], sort: { key: 'id', dir: 'desc' } })
    expect(rows[0]!.text()).toMatch(/1000.*frozen,seed=0.*table4.*done.*frozen/s)
    expect(wrapper.get('[data-test="sort-config:model.adaptation.mode"]').text()).toContain('…adaptation.mode')

    // Scrolling far down asks for the page there, and shows its rows.
    const scroller = wrapper.get('[data-test="runs-table"]')
    ;(scroller.element as HTMLElement).scrollTop = 36 * 700
    await scroller.trigger('scroll')
    await flushPromises()
    expect(pageInputs.some((i) => i.offset === 700)).toBe(true)
    const ids = wrapper.findAll('[data-test="run-row"]').map((r) => r.findAll('.cell')[1]!.text())
    expect(ids).toContain(String(all[700]!.id))
    expect(ids).not.toContain(String(all[0]!.id))
    wrapper.unmount()
  }, 30_000) // the first test also compiles the renderer

  it('sorts on a config column, filters with key>value, saves the layout, groups, and selects runs into the URL', async () => {
    const { wrapper, router } = await mountApp('/runs')
    await wrapper.get('[data-test="sort-config:model.adaptation.mode"]').trigger('click')
    await flushPromises()
    expect(pageInputs.at(-1)!.sort).toEqual({ key: 'config:model.adaptation.mode', dir: 'desc' })
    expect(saved.sort).toEqual({ key: 'config:model.adaptation.mode', dir: 'desc' })

    await wrapper.get('[data-test="runs-filter"]').setValue('frozen train.lr>0.002')
    await new Promise((r) => setTimeout(r, 250))
    await flushPromises()
    expect(pageInputs.at(-1)!.filter).toEqual({ text: 'frozen', conditions: [{ key: 'train.lr', op: '>', value: 0.002 }] })

    await wrapper.get('[data-test="pick-columns"]').trigger('click')
    await flushPromises()
    const lr = wrapper.findAll('[data-test="column-option"]').find((o) => o.text().includes('train.lr'))!
    await lr.get('input').setValue(true)
    await flushPromises()
    expect(saved.columns).toEqual(['model.adaptation.mode', 'train.lr'])
    expect(pageInputs.at(-1)!.columns).toEqual(['model.adaptation.mode', 'train.lr'])
    expect(wrapper.get('[data-test="run-row"]').text()).toContain('0.001')

    await wrapper.get('[data-test="group-by"]').setValue('experiment')
    await flushPromises()
    expect(pageInputs.at(-1)!.groupBy).toBe('experiment')
    expect(wrapper.get('[data-test="group-row"]').text()).toMatch(/table4\s*500 runs/)

    const boxes = wrapper.findAll('[data-test="run-select"]')
    for (const b of boxes.slice(0, 3)) {
      await b.setValue(true)
      await flushPromises()
    }
    expect(router.currentRoute.value.query.runs).toMatch(/^\d+,\d+,\d+$/)
    expect(wrapper.get('[data-test="compare-selected"]').text()).toBe('Compare 3')
    expect(wrapper.get('[data-test="compare-selected"]').attributes('href')).toContain(`#/compare?runs=${router.currentRoute.value.query.runs}`)

    // A row opens the run's detail panel, linked in the URL.
    await wrapper.get('[data-test="run-row"]').trigger('click')
    await flushPromises()
    expect(router.currentRoute.value.query.detail).toBe(wrapper.get('[data-test="run-row"] .cell.mono').text())
    await vi.waitFor(async () => { // the panel (and its charts) load on first use
      await flushPromises()
      expect(wrapper.find('[data-test="run-detail"]').exists()).toBe(true)
    }, { timeout: 20_000, interval: 100 })
    wrapper.unmount()
  }, 30_000)

  it('shows a run launched elsewhere at once, then refetches to place it', async () => {
    saved = { columns: [], metrics: [], sort: { key: 'id', dir: 'desc' }, groupBy: null }
    const { wrapper } = await mountApp('/runs')
    const fetched = pageInputs.length
    bridge.emit('runs.changed', { ...summary(5000, 'table4', 'masks,seed=0'), status: 'queued', startedAt: null, finishedAt: null })
    await flushPromises()
    expect(wrapper.get('[data-test="run-row"]').text()).toMatch(/5000.*masks,seed=0.*queued/is)
    expect(wrapper.get('[data-test="runs-total"]').text()).toBe('1001')
    await new Promise((r) => setTimeout(r, 300))
    expect(pageInputs.length).toBeGreaterThan(fetched)
    wrapper.unmount()
  })

  it('shows metric columns (final and best), sorts on them, and keeps a metric filter in the URL', async () => {
    saved = { columns: [], metrics: [], sort: { key: 'id', dir: 'desc' }, groupBy: null }
    const { wrapper, router } = await mountApp('/runs?q=top1%3E40')
    expect(pageInputs.at(-1)!.filter).toMatchObject({ conditions: [{ key: 'top1', op: '>', value: 40 }] })
    expect((wrapper.get('[data-test="runs-filter"]').element as HTMLInputElement).value).toBe('top1>40')

    await wrapper.get('[data-test="pick-columns"]').trigger('click')
    await flushPromises()
    await wrapper.findAll('[data-test="metric-option"]').find((o) => o.text().includes('ucf101'))!.get('input').setValue(true)
    await flushPromises()
    expect(saved.metrics).toEqual(['eval/ucf101/ep1/top1'])
    expect(pageInputs.at(-1)!.metrics).toEqual(['eval/ucf101/ep1/top1'])
    expect(wrapper.get('[data-test="metric-cell"]').text()).toBe('40 best 45')
    await wrapper.get('[data-test="sort-best:eval/ucf101/ep1/top1"]').trigger('click')
    await flushPromises()
    expect(pageInputs.at(-1)!.sort).toEqual({ key: 'best:eval/ucf101/ep1/top1', dir: 'desc' })

    await wrapper.get('[data-test="runs-filter"]').setValue('eval.ucf101.ep1.top1 >= 80')
    await new Promise((r) => setTimeout(r, 250))
    await flushPromises()
    expect(router.currentRoute.value.query.q).toBe('eval.ucf101.ep1.top1 >= 80')
    expect(pageInputs.at(-1)!.filter).toMatchObject({ conditions: [{ key: 'eval.ucf101.ep1.top1', op: '>=', value: 80 }] })
    wrapper.unmount()
  })

  it('narrows to the linked runs with ?show=selected', async () => {
    const { wrapper } = await mountApp('/runs?runs=7,9&show=selected')
    expect(pageInputs.at(-1)!.filter).toMatchObject({ runIds: [7, 9] })
    expect(wrapper.get('[data-test="show-selected"]').text()).toBe('Show all runs')
    wrapper.unmount()
  })
})
