import { flushPromises } from '@vue/test-utils'
import { mountApp } from './mount-app'
import { describe, expect, it } from 'vitest'
import type { CommandInput, ExperimentFileEntry } from '../../contract/api-runtime'
import { fakeBridge } from './fake-bridge'
import { appInfo, experiment } from './fixtures'

const files: ExperimentFileEntry[] = [
  { file: '/repo/experiments/paper/table4.yaml', label: 'paper/table4.yaml', source: 'built-in', name: 'table4', description: '', runs: 6, error: null },
  { file: '/d/experiments/mine.yaml', label: 'mine.yaml', source: 'user', name: 'mine', description: '', runs: 1, error: null },
]
/** The engine's validator, as far as these tests need it: an unknown key `epocs` at its line. */
function validate(i: CommandInput<'experiments.validate'>) {
  const line = i.text.split('\n').findIndex((l) => l.includes('epocs'))
  if (line < 0) return { name: /name: (\S+)/.exec(i.text)?.[1] ?? null, runs: 2, problems: [] }
  return { name: null, runs: 0, problems: [{ message: 'train.epocs: unknown key "epocs"; did you mean "epochs"?', path: 'train.epocs', line: line + 1, column: 3 }] }
}

const bridge = fakeBridge({
  'app.info': appInfo,
  'experiments.list': [experiment(1, 'table4', 0)],
  'experiments.files': () => files,
  'experiments.read': (i) => ({ file: i.file, label: files.find((f) => f.file === i.file)!.label, source: files.find((f) => f.file === i.file)!.source, text: 'name: table4\ntrain:\n  epochs: 4\n' }),
  'experiments.validate': validate,
  'experiments.save': (i) => ({ file: `/d/experiments/${i.path}`, label: i.path, source: 'user', name: 'x', description: '', runs: 2, error: null }),
  'runs.launch': () => ({ experiment: experiment(1, 'table4', 2), runs: [] }),
  'runs.list': [],
  'logs.recent': [],
  'views.runsTable.get': { columns: [], metrics: [], sort: { key: 'id', dir: 'desc' }, groupBy: null },
  'runs.page': { rows: [], total: 0, statusCounts: {}, groups: [] },
})
window.api = bridge

const calls = (command: string) => bridge.calls.filter((c) => c.command === command).map((c) => c.input)
/** The store, imported only once window.api is the fake (its bridge module binds at import). */
const editorModule = () => import('../../renderer/stores/experiment-editor')
const pause = async () => {
  const { CHECK_DELAY_MS } = await editorModule()
  await new Promise((r) => setTimeout(r, CHECK_DELAY_MS + 50))
}

describe('the experiment-file editor', () => {
  it('writes a new file, checked as it is typed (debounced), with the problem’s place and “did you mean”; saves and launches it', async () => {
    const { wrapper } = await mountApp('/runs')
    await wrapper.get('[data-test="launch"]').trigger('click')
    await flushPromises()
    await wrapper.get('[data-test="new-experiment-file"]').trigger('click')
    await flushPromises()
    const text = wrapper.get('[data-test="editor-text"]')
    expect((text.element as HTMLTextAreaElement).value).toBe((await editorModule()).NEW_EXPERIMENT_TEXT)
    expect(wrapper.get('[data-test="editor-valid"]').text()).toBe('Valid: 2 runs of “my-study” (not saved yet).')

    const before = calls('experiments.validate').length
    await text.setValue('name: s\ntrain:\n  epo')
    await text.setValue('name: s\ntrain:\n  epocs: 2\n')
    expect(calls('experiments.validate')).toHaveLength(before) // still typing
    await pause()
    await flushPromises()
    expect(calls('experiments.validate')).toHaveLength(before + 1)
    expect(calls('experiments.validate').at(-1)).toEqual({ text: 'name: s\ntrain:\n  epocs: 2\n', path: 'my-study.yaml' })
    expect(wrapper.get('[data-test="editor-problem"]').text()).toMatch(/^line 3, column 3\s*train.epocs: unknown key "epocs"; did you mean "epochs"\?$/)
    expect(wrapper.get('[data-test="editor-launch"]').attributes('disabled')).toBeDefined()

    // A click on the place puts the cursor there.
    await wrapper.get('[data-test="editor-problem"] button').trigger('click')
    expect((text.element as HTMLTextAreaElement).selectionStart).toBe('name: s\ntrain:\n  '.length)

    await text.setValue('name: s\ntrain:\n  epochs: 2\n')
    await pause()
    await flushPromises()
    expect(wrapper.get('[data-test="editor-valid"]').text()).toBe('Valid: 2 runs of “s” (not saved yet).')
    await wrapper.get('[data-test="editor-path"]').setValue('studies/s.yaml')
    await wrapper.get('[data-test="editor-launch"]').trigger('click')
    await flushPromises()
    expect(calls('experiments.save').at(-1)).toEqual({ path: 'studies/s.yaml', text: 'name: s\ntrain:\n  epochs: 2\n', overwrite: false })
    expect(calls('runs.launch').at(-1)).toMatchObject({ file: '/d/experiments/studies/s.yaml' })
    expect(wrapper.find('[data-test="launch-panel"]').exists()).toBe(false)
    wrapper.unmount()
  }, 30_000)

  it('edits a user file in place and a shipped suite as a copy in the user’s folder', async () => {
    const { wrapper } = await mountApp('/runs')
    await wrapper.get('[data-test="launch"]').trigger('click')
    await flushPromises()
    const edit = () => wrapper.findAll('[data-test="edit-file"]')
    expect(edit().map((b) => b.text())).toEqual(['Edit a copy', 'Edit'])

    await edit()[0]!.trigger('click')
    await flushPromises()
    expect((wrapper.get('[data-test="editor-path"]').element as HTMLInputElement).value).toBe('paper/table4.yaml')
    await wrapper.get('[data-test="editor-save"]').trigger('click')
    await flushPromises()
    expect(calls('experiments.save').at(-1)).toMatchObject({ path: 'paper/table4.yaml', overwrite: false })
    await wrapper.get('[data-test="editor-close"]').trigger('click')

    await edit()[1]!.trigger('click')
    await flushPromises()
    await wrapper.get('[data-test="editor-save"]').trigger('click')
    await flushPromises()
    expect(calls('experiments.save').at(-1)).toMatchObject({ path: 'mine.yaml', overwrite: true })
    wrapper.unmount()
  }, 30_000)
})
