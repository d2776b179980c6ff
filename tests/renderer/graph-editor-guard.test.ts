import { flushPromises } from '@vue/test-utils'
import { mountApp } from './mount-app'
import { describe, expect, it } from 'vitest'
import type { ClassGraphData, GraphClassData, GraphVersionInfo } from '../../contract/api-runtime'
import { fakeBridge } from './fake-bridge'
import { appInfo } from './fixtures'

const graph: ClassGraphData = {
  label: 'red square sliding right',
  objects: ['red square'],
  subActions: ['at the left', 'at the right'],
  objectRelations: [],
  actionObjectRelations: [],
  actionRelations: [{ head: 'at the left', relation: 'precedes', tail: 'at the right' }],
  clauses: { oo: [], ao: [], aa: ['starting at the left'] },
}
const cls = (index: number, name: string): GraphClassData => ({ index, name, key: name, graph, provenance: { source: 'built-in', createdAt: '2026-12-01T10:00:00Z' } })
const v1: GraphVersionInfo = { id: 1, name: 'synthmotion-builtin', dataset: 'synthmotion', version: 1, parentId: null, note: '', createdAt: '2026-12-01T10:00:00Z', classCount: 2, sources: { 'built-in': 2 }, models: [], files: [] }

const bridge = fakeBridge({
  'app.info': appInfo,
  'experiments.list': [],
  'runs.list': [],
  'logs.recent': [],
  'views.runsTable.get': { columns: [], metrics: [], sort: { key: 'id', dir: 'desc' }, groupBy: null },
  'runs.page': { rows: [], total: 0, statusCounts: {}, groups: [] },
  'graphs.list': [v1],
  'graphs.jobs': [],
  'graphs.get': { ...v1, classes: [cls(0, 'Slide Right'), cls(1, 'Slide Left')], aliases: [] },
  'graphs.runs': [],
  // The preview shows the first [T] clause of the graph it was given (the stored one when none).
  'prompts.preview': (i) => ({
    graphId: 1, classIndex: i.classIndex, className: 'Slide Right', templateStyle: 'hard', templates: ['This is a video of {}.'],
    sets: [{ kind: 't', label: '[T]', prompts: [`This is a video of Slide Right, ${(i.graph ?? graph).clauses.aa[0]}.`] }],
  }),
})
window.api = bridge


describe('the graph editor with unsaved edits', () => {
  it('previews the unsaved edit, and asks before navigating away from it (keep editing, or discard and go)', async () => {
    const { wrapper, router } = await mountApp('/graphs/synthmotion-builtin/v/1/class/0?set=t&style=hard')
    await wrapper.get('[data-test="clause-aa-0"]').setValue('beginning far left')
    await new Promise((r) => setTimeout(r, 350))
    await flushPromises()
    expect(bridge.calls.filter((c) => c.command === 'prompts.preview').at(-1)!.input).toMatchObject({ classIndex: 0, graph: { clauses: { aa: ['beginning far left'] } } })
    expect(wrapper.get('[data-test="preview-prompts"]').text()).toContain('Slide Right, beginning far left.')
    expect(wrapper.find('[data-test="preview-unsaved"]').exists()).toBe(true)

    // Another class: blocked, with the banner; a query change (the prompt set tab) is not.
    await router.push('/graphs/synthmotion-builtin/v/1/class/1?set=t&style=hard')
    await flushPromises()
    expect(router.currentRoute.value.params.classIndex).toBe('0')
    expect(wrapper.get('[data-test="unsaved-guard"]').text()).toContain('Slide Right')
    await wrapper.get('[data-test="keep-editing"]').trigger('click')
    expect(wrapper.find('[data-test="unsaved-guard"]').exists()).toBe(false)
    expect((wrapper.get('[data-test="clause-aa-0"]').element as HTMLTextAreaElement).value).toBe('beginning far left')

    await router.push('/runs')
    await flushPromises()
    expect(router.currentRoute.value.name).toBe('graph-class')
    await wrapper.get('[data-test="discard-edits"]').trigger('click')
    await flushPromises()
    expect(router.currentRoute.value.name).toBe('runs')
    wrapper.unmount()
  }, 30_000)

  it('says so when a deep link names a graph, version or class that does not exist', async () => {
    const cases: [string, RegExp][] = [
      ['/graphs/ucf101-authors/v/1/class/0', /No knowledge graph is named “ucf101-authors”\. The graphs: synthmotion-builtin\./],
      ['/graphs/synthmotion-builtin/v/9/class/0', /“synthmotion-builtin” has no version 9; its versions are v1\./],
      ['/graphs/synthmotion-builtin/v/1/class/40', /Class 40 is not in synthmotion-builtin v1 \(classes 0–1\)\./],
    ]
    for (const [path, message] of cases) {
      const { wrapper } = await mountApp(path)
      expect(wrapper.get('[data-test="graph-link-error"]').text()).toMatch(message)
      wrapper.unmount()
    }
  })
})
