import { flushPromises } from '@vue/test-utils'
import { mountApp } from './mount-app'
import { describe, expect, it } from 'vitest'
import type { ClassGraphData, CommandInput, GraphClassData, GraphJob, GraphVersionInfo, PromptPreviewData } from '../../contract/api-runtime'
import { classGraphElements } from '../../renderer/charts/graph-chart-options'
import { fromEditModel, toEditModel } from '../../renderer/components/graphs/edit-model'
import { fakeBridge } from './fake-bridge'
import { appInfo, summary } from './fixtures'

const graph: ClassGraphData = {
  label: 'red square sliding right on grass',
  objects: ['red square', 'grass'],
  subActions: ['red square at the left', 'red square in the middle'],
  objectRelations: [{ head: 'red square', relation: 'on', tail: 'grass' }, { head: 'eye', relation: '', tail: 'area where eye makeup is applied', text: '<eye, area where eye makeup is applied>' }],
  actionObjectRelations: [{ head: 'red square sliding right on grass', relation: 'involves', tail: 'red square' }],
  actionRelations: [{ head: 'red square sliding right on grass', relation: 'starts with', tail: 'red square at the left' }, { head: 'red square at the left', relation: 'precedes', tail: 'red square in the middle' }],
  clauses: { oo: ['where a red square is on grass'], ao: ['which involves a red square'], aa: ['starting with a red square at the left', 'where a red square at the left precedes a red square in the middle'] },
}
const cls = (index: number, name: string, g = graph): GraphClassData => ({ index, name, key: name.toLowerCase(), graph: g, provenance: { source: 'built-in', createdAt: '2026-12-01T10:00:00Z', note: 'derived' } })
const version = (id: number, v: number, parentId: number | null, note: string, sources: Record<string, number>): GraphVersionInfo => ({
  id, name: 'synthmotion-builtin', dataset: 'synthmotion', version: v, parentId, note, createdAt: '2026-12-01T10:00:00Z', classCount: 2, sources, models: [], files: [],
})
let versions = [version(1, 1, null, 'built in', { 'built-in': 2 })]
const preview = (graphId: number, t: string[]): PromptPreviewData => ({
  graphId, classIndex: 0, className: 'Red Square Sliding Right On Grass', templateStyle: 'hard', templates: ['This is a video of {}.'],
  sets: [{ kind: 'c', label: '[C]', prompts: ['This is a video of Red Square Sliding Right On Grass.'] }, { kind: 's', label: '[S]', prompts: [] }, { kind: 't', label: '[T]', prompts: t }, { kind: 'st', label: '[S]+[T]', prompts: [] }],
})
const saved: CommandInput<'graphs.saveClass'>[] = []
const job = (target: string, state: GraphJob['state'], done: number, message: string): GraphJob => ({
  jobId: 1, state, target, endpoint: 'http://127.0.0.1:11434/v1', model: 'llama3.1', total: 2, done, failed: 0, message, graphId: null, startedAt: '2026-12-01T12:00:00Z', finishedAt: null,
})

const bridge = fakeBridge({
  'app.info': appInfo,
  'experiments.list': [],
  'runs.list': [summary(7, 'smoke', 'default')],
  'logs.recent': [],
  'views.runsTable.get': { columns: [], metrics: [], sort: { key: 'id', dir: 'desc' }, groupBy: null },
  'runs.page': { rows: [], total: 0, statusCounts: {}, groups: [] },
  'graphs.list': () => versions,
  'graphs.jobs': [],
  'graphs.get': ({ id }) => ({ ...versions.find((v) => v.id === id)!, classes: [cls(0, 'Red Square Sliding Right On Grass', id === 2 ? { ...graph, clauses: { ...graph.clauses, aa: ['starting with a red square far left', graph.clauses.aa[1]!] } } : graph), cls(1, 'Blue Circle')], aliases: [] }),
  'graphs.runs': ({ id }) => (id === 2 ? [{ runId: 9, runName: 'default,[graph #2]', experimentName: 'smoke', status: 'queued', createdAt: '2026-12-01T11:00:00Z', promptSetHash: null, promptSetKind: null }] : []),
  'graphs.diff': [{ index: 0, name: 'Red Square Sliding Right On Grass', status: 'changed', changes: [{ field: 'xprompt_aa', removed: ['starting with a red square at the left'], added: ['starting with a red square far left'] }] }, { index: 1, name: 'Blue Circle', status: 'same', changes: [] }],
  'prompts.preview': ({ graphId }) => preview(graphId, ['This is a video of Red Square Sliding Right On Grass.', `This is a video of Red Square Sliding Right On Grass, ${graphId === 2 ? 'starting with a red square far left' : 'starting with a red square at the left'}.`]),
  'graphs.saveClass': (input) => {
    saved.push(input)
    versions = [...versions, version(2, 2, 1, input.note ?? '', { 'built-in': 1, human: 1 })]
    const { classes: _c, aliases: _a, ...rest } = { ...versions[1]!, classes: [], aliases: [] }
    return rest
  },
  'graphs.generate': (input) => job(input.target.kind === 'regenerate' ? `synthmotion-builtin@2: ${input.target.classIndices.length} class(es)` : input.target.name, 'running', 0, 'starting'),
  'graphs.cancelJob': () => job('synthmotion-builtin@2: 1 class(es)', 'running', 1, 'cancelling…'),
  'runs.evaluate': (input) => ({ ...summary(9, 'smoke', 'default,[graph #2]'), status: 'queued', id: 9, name: `default,[graph #${input.text?.graphVersionId}]` }),
})
window.api = bridge

describe('the knowledge-graph editor', () => {
  it('draws objects, motions and relations, and round-trips the editor rows (a malformed triple stays as written)', () => {
    const { nodes, edges } = classGraphElements(graph)
    expect(nodes.map((n) => [n.name, n.category])).toEqual([
      ['red square sliding right on grass', 'action'],
      ['red square', 'object'],
      ['grass', 'object'],
      ['red square at the left', 'motion'],
      ['red square in the middle', 'motion'],
    ])
    expect(edges.map((e) => `${e.source} -${e.relation}-> ${e.target} (${e.family})`)).toEqual([
      'red square -on-> grass (oo)',
      'red square sliding right on grass -involves-> red square (ao)',
      'red square sliding right on grass -starts with-> red square at the left (aa)',
      'red square at the left -precedes-> red square in the middle (aa)',
    ])
    expect(fromEditModel(toEditModel(graph), graph)).toEqual(graph)
    // what only an export needs (a list-written triple, the xprompt file's own key and label) survives an edit
    const k400: ClassGraphData = { ...graph, actionObjectRelations: [{ head: 'baking cookies', relation: 'requires', tail: 'spatula', form: 'list' }], xpromptKey: 'passing american football', xpromptLabel: 'passing football' }
    const edited = toEditModel(k400)
    edited.rows.ao[0]!.tail = 'a spatula'
    const back = fromEditModel(edited, k400)
    expect(back.actionObjectRelations).toEqual([{ head: 'baking cookies', relation: 'requires', tail: 'a spatula', form: 'list' }])
    expect([back.xpromptKey, back.xpromptLabel]).toEqual(['passing american football', 'passing football'])
  })

  it('opens a class from its deep link, saves an edited clause as a new version, previews [T], diffs and evaluates with it', async () => {
    const { wrapper, router } = await mountApp('/graphs/synthmotion-builtin/v/1/class/0?set=t&style=hard')

    expect(wrapper.get('[data-test="graph-title"]').text()).toBe('synthmotion-builtin v1')
    expect(wrapper.get('[data-test="nav-graphs"]').classes()).toContain('active')
    expect(wrapper.get('[data-test="class-title"]').text()).toContain('Red Square Sliding Right On Grass')
    expect(wrapper.get('[data-test="graph-versions"]').text()).toMatch(/v1\s*2 classes.*built-in 2/)
    expect(wrapper.findAll('[data-test="row-oo"]')[1]!.find('textarea').attributes('aria-label')).toBe('oo triple 2 as written')
    expect(wrapper.get('[data-test="preview-prompts"]').text()).toContain('starting with a red square at the left.')
    expect((wrapper.get('[data-test="save-class"]').element as HTMLButtonElement).disabled).toBe(true)

    await wrapper.get('[data-test="clause-aa-0"]').setValue('starting with a red square far left')
    await wrapper.get('[data-test="edit-note"]').setValue('clearer start')
    await wrapper.get('[data-test="class-editor"]').trigger('submit')
    await flushPromises()
    expect(saved).toHaveLength(1)
    expect(saved[0]).toMatchObject({ parentId: 1, index: 0, note: 'clearer start' })
    expect(saved[0]!.graph.clauses.aa).toEqual(['starting with a red square far left', 'where a red square at the left precedes a red square in the middle'])
    expect(saved[0]!.graph.objectRelations[1]).toEqual(graph.objectRelations[1]) // the malformed triple is sent back as it was
    expect(router.currentRoute.value.fullPath).toBe('/graphs/synthmotion-builtin/v/2/class/0?set=t&style=hard')
    expect(wrapper.get('[data-test="graph-title"]').text()).toBe('synthmotion-builtin v2')
    expect(wrapper.get('[data-test="preview-prompts"]').text()).toContain('This is a video of Red Square Sliding Right On Grass, starting with a red square far left.')
    expect(wrapper.get('[data-test="graph-runs"]').text()).toContain('#9 default,[graph #2]')

    await wrapper.get('[data-test="diff-against"]').setValue('1')
    await flushPromises()
    expect(router.currentRoute.value.query.compare).toBe('1')
    expect(wrapper.get('[data-test="version-diff"]').text()).toMatch(/Clauses: action–action \[T\] xprompt_aa\s*− starting with a red square at the left\s*\+ starting with a red square far left/)

    await wrapper.get('[data-test="evaluate-button"]').trigger('click')
    await flushPromises()
    expect(bridge.calls.filter((c) => c.command === 'runs.evaluate').at(-1)!.input).toEqual({ runId: 7, text: { graphVersionId: 2, promptSet: 'st' } })
    expect(wrapper.get('[data-test="evaluate-queued"]').text()).toContain('#9 default,[graph #2]')

    // regenerate the class through an endpoint: the job's progress arrives as events, and it can be cancelled
    expect((wrapper.get('[data-test="gen-regenerate"]').element as HTMLButtonElement).disabled).toBe(true) // no model yet
    await wrapper.get('[data-test="gen-model"]').setValue('llama3.1')
    await wrapper.get('[data-test="gen-regenerate"]').trigger('click')
    await flushPromises()
    expect(bridge.calls.filter((c) => c.command === 'graphs.generate').at(-1)!.input).toEqual({
      target: { kind: 'regenerate', graphId: 2, classIndices: [0] }, endpoint: 'http://127.0.0.1:11434/v1', model: 'llama3.1', graphTemperature: 0, clauseTemperature: 0.7,
    })
    bridge.emit('graphs.job', job('synthmotion-builtin@2: 1 class(es)', 'running', 1, 'Red Square Sliding Right On Grass: graph done'))
    await flushPromises()
    expect(wrapper.get('[data-test="gen-jobs"]').text()).toMatch(/Job 1 synthmotion-builtin@2: 1 class\(es\) · llama3.1 · running[\s\S]*1\/2 done — Red Square Sliding Right On Grass: graph done/)
    await wrapper.get('[data-test="gen-cancel"]').trigger('click')
    await flushPromises()
    expect(bridge.calls.filter((c) => c.command === 'graphs.cancelJob')).toEqual([{ command: 'graphs.cancelJob', input: { jobId: 1 } }])
    bridge.emit('graphs.job', { ...job('synthmotion-builtin@2: 1 class(es)', 'cancelled', 1, 'cancelled with 1 of 2 classes done; nothing stored'), finishedAt: '2026-12-01T12:01:00Z' })
    await flushPromises()
    expect(wrapper.get('[data-test="gen-jobs"]').text()).toContain('cancelled with 1 of 2 classes done; nothing stored')
    expect(wrapper.find('[data-test="gen-cancel"]').exists()).toBe(false)
    wrapper.unmount()
  }, 30_000)
})
