import { flushPromises } from '@vue/test-utils'
import { afterAll, describe, expect, it, vi } from 'vitest'
import type { ClassVideo, CommandInput, ConfusionMatrix, GraphVersionInfo, PerClassTable } from '../../contract/api-runtime'
import { fakeBridge } from './fake-bridge'
import { appInfo } from './fixtures'
import { mountApp } from './mount-app'

const KEY = 'synthmotion/unseen/unseen classes'
const CLASSES = ['spin-left', 'spin-right', 'hop']
/** correct / total per class for runs 3 and 5 (4 videos per class). */
const CORRECT: Record<number, number[]> = { 3: [2, 4, 1], 5: [4, 1, 3] }

function table(input: CommandInput<'analysis.perClass'>): PerClassTable {
  const base = input.baselineRunId ?? null
  const acc = (run: number, k: number) => (100 * CORRECT[run]![k]!) / 4
  return {
    evalKey: input.evalKey,
    baselineRunId: base,
    runs: input.runIds.map((id) => ({ id, name: id === 3 ? 'frozen-clip' : 'full,wsm', experimentName: 'table4', accuracy: (100 * CORRECT[id]!.reduce((a, b) => a + b, 0)) / 12 })),
    missingRunIds: [],
    classes: CLASSES.map((name, k) => ({
      index: k,
      name,
      cells: input.runIds.map((id) => ({ correct: CORRECT[id]![k]!, total: 4, accuracy: acc(id, k), delta: base !== null && id !== base ? acc(id, k) - acc(base, k) : null })),
    })),
  }
}

const confusion = (runId: number): ConfusionMatrix => ({ runId, evalKey: KEY, classes: CLASSES, counts: [[4, 0, 0], [3, 1, 0], [0, 1, 3]] })

const video: ClassVideo = {
  videoIndex: 4,
  video: 'spin-right video 0',
  trueClass: 1,
  trueClassName: 'spin-right',
  predicted: 0,
  predictedName: 'spin-left',
  top5: [{ classIndex: 0, className: 'spin-left', score: 31.5 }, { classIndex: 1, className: 'spin-right', score: 30.25 }, { classIndex: 2, className: 'hop', score: 12 }],
  orderPair: { partner: 0, partnerName: 'spin-left', partnerScore: 31.5, trueScore: 30.25, toldApart: false },
  hasMaps: true,
  thumbnail: { artifactId: 77, frames: 8 },
}

const graph = (id: number, version: number, note: string): GraphVersionInfo => ({ id, name: 'synthmotion', dataset: 'synthmotion', version, parentId: version > 1 ? id - 1 : null, note, createdAt: '', classCount: 24, sources: {}, models: [], files: [] })
/** The thumbnail's bytes, as `stdd serve`'s /api/artifacts/<id> route answers them. */
const fetched: string[] = []
vi.stubGlobal('fetch', async (url: string) => {
  fetched.push(url)
  return url === '/api/artifacts/77' ? new Response(new Uint8Array([137, 80, 78, 71, 1])) : new Response('no such artifact', { status: 404 })
})
afterAll(() => vi.unstubAllGlobals())

/** One bridge for the file: the renderer's modules bind to window.api once, when first imported. */
const bridge = fakeBridge({
    'app.info': appInfo,
    'experiments.list': [],
    'runs.list': [],
    'logs.recent': [],
    'graphs.list': [graph(4, 1, 'built in'), graph(5, 2, 'clearer temporal clauses')],
    'analysis.evalKeys': [{ key: KEY, runIds: [3, 5] }],
    'analysis.perClass': table,
    'analysis.confusion': (i) => confusion(i.runId),
    'analysis.videos': (i) => (i.trueClass === 1 && i.predicted === 0 ? [video] : []),
    'runs.evaluate': (i) => ({ id: 9, experimentId: 1, experimentName: 'table4', name: `full,wsm,[prompts ${i.text?.promptSet}]`, status: 'queued', seed: 0, backend: null, createdAt: '', startedAt: null, finishedAt: null, error: null, errorKind: null, runSeconds: 0, runningSince: null, tags: [], note: '', archived: false, lastMetrics: {} }),
})

window.api = bridge

async function mountAt(url: string) {
  bridge.calls.length = 0
  const mounted = await mountApp(url)
  await new Promise((r) => setTimeout(r, 50)) // the view is loaded on first use
  for (let i = 0; i < 3; i++) await flushPromises()
  return mounted
}

const rowNames = (w: Awaited<ReturnType<typeof mountAt>>['wrapper']) => w.findAll('[data-test="perclass-row"]').map((r) => r.find('td').text())

describe('the per-class view', { timeout: 30_000 }, () => {
  it('shows class × run accuracy with deltas against the baseline, and sorts by a run’s delta', async () => {
    const { wrapper, router } = await mountAt(`/per-class?runs=3,5&baseline=3&eval=${encodeURIComponent(KEY)}`)
    expect(bridge.calls.find((c) => c.command === 'analysis.perClass')?.input).toEqual({ runIds: [3, 5], evalKey: KEY, baselineRunId: 3 })
    const matrix = wrapper.get('[data-test="perclass-matrix"]')
    expect(matrix.text()).toContain('baseline')
    expect(rowNames(wrapper)).toEqual(CLASSES)
    // spin-left 50 → 100 (+50), spin-right 100 → 25 (−75), hop 25 → 75 (+50)
    expect(wrapper.findAll('[data-test="delta"]').map((d) => d.text())).toEqual(['+50.0', '−75.0', '+50.0'])
    await wrapper.get('[data-test="sort-delta"]').trigger('click')
    await flushPromises()
    expect(router.currentRoute.value.query.sort).toBe('delta:5:desc')
    expect(rowNames(wrapper)).toEqual(['spin-left', 'hop', 'spin-right'])
    await wrapper.get('[data-test="sort-delta"]').trigger('click')
    await flushPromises()
    expect(rowNames(wrapper)).toEqual(['spin-right', 'spin-left', 'hop'])
    wrapper.unmount()
  })

  it('lists a confusion cell’s videos with their top-5 and order-only pair', async () => {
    const { wrapper } = await mountAt(`/per-class?runs=3,5&baseline=3&run=5&cell=1,0`)
    expect(wrapper.get('[data-test="confusion-run"]').element).toHaveProperty('value', '5')
    const list = wrapper.get('[data-test="class-videos"]')
    expect(list.text()).toContain('spin-right video 0')
    expect(list.text()).toContain('✗ predicted spin-left')
    expect(list.get('[data-test="top5"]').text()).toMatch(/1 spin-left 31\.50.*2 spin-right 30\.25.*3 hop 12\.00/s)
    expect(list.get('[data-test="order-pair"]').text()).toMatch(/Order-only pair with spin-left .* confused — 30\.25 vs 31\.50/s)
    expect(list.get('[data-test="video-maps-link"]').attributes('href')).toContain('video=spin-right+video+0')
    // The frames the model saw, read once through readArtifact.
    expect(list.get('[data-test="video-thumbnail"]').attributes('src')).toBe('data:image/png;base64,iVBORwE=')
    expect(fetched).toEqual(['/api/artifacts/77'])
    wrapper.unmount()
  })

  it('has a legend for the confusion colours, from 0 to the fullest cell', async () => {
    const { wrapper } = await mountAt(`/per-class?runs=3,5&run=5`)
    const legend = wrapper.get('[data-test="confusion-legend"]')
    expect(legend.text()).toContain('Videos per cell')
    expect(legend.get('[data-test="legend-values"]').findAll('span').map((s) => s.text())).toEqual(['0', '2', '4'])
    wrapper.unmount()
  })

  it('queues an evaluation of the run with another prompt set', async () => {
    const { wrapper } = await mountAt(`/per-class?runs=3,5&run=5`)
    await wrapper.get('[data-test="eval-prompt-set"]').setValue('c')
    await wrapper.get('[data-test="evaluate-again"]').trigger('submit')
    await flushPromises()
    expect(bridge.calls.filter((c) => c.command === 'runs.evaluate').map((c) => c.input)).toEqual([{ runId: 5, checkpoint: 'final', text: { promptSet: 'c' } }])
    expect(wrapper.get('[data-test="eval-queued"]').text()).toContain('Queued run #9 “full,wsm,[prompts c]”')
    wrapper.unmount()
  })

  it('picks the knowledge-graph version from the stored versions instead of typing an id', async () => {
    const { wrapper } = await mountAt(`/per-class?runs=3,5&run=5`)
    const picker = wrapper.get('[data-test="eval-graph-version"]')
    expect(picker.findAll('option').map((o) => o.text())).toEqual(['unchanged', 'synthmotion@1 (synthmotion, 24 classes) — built in', 'synthmotion@2 (synthmotion, 24 classes) — clearer temporal clauses'])
    await picker.setValue(picker.findAll('option')[2]!.element.value)
    await wrapper.get('[data-test="evaluate-again"]').trigger('submit')
    await flushPromises()
    expect(bridge.calls.filter((c) => c.command === 'runs.evaluate').map((c) => c.input)).toEqual([{ runId: 5, checkpoint: 'final', text: { graphVersionId: 5 } }])
    wrapper.unmount()
  })
})
