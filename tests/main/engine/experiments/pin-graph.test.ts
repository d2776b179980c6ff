import { describe, expect, it } from 'vitest'
import { resolveExperiment } from '../../../../main/engine/experiments/resolve'
import { editGraphClasses, getGraph, resolveGraphRef } from '../../../../main/engine/store/knowledge-graphs'
import { useTempEngine } from '../../../helpers/temp-engine'

const temp = useTempEngine()

const launch = (text: Record<string, unknown> = {}) => {
  const run = temp.engine.runs.launch(resolveExperiment({ name: 'pinned', text }, 'test', temp.dataDir)).runs[0]!
  return temp.engine.invoke('runs.get', { id: run.id })
}

describe('the knowledge graph is pinned when a run is queued', () => {
  it('turns builtin:synthmotion into a version, and a later launch after an edit into the new one; Compare shows the difference', async () => {
    const first = await launch()
    expect((first.config as { text: { graph: string } }).text.graph).toBe('synthmotion-builtin@1')
    expect(first.configDiff).toMatchObject({ 'text.graph': 'synthmotion-builtin@1' })

    const v1 = getGraph(temp.engine.db, resolveGraphRef(temp.engine.db, 'synthmotion-builtin').id)
    const c0 = v1.classes[0]!
    editGraphClasses(temp.engine.db, v1.id, [{ index: 0, graph: { ...c0.graph, objects: [...c0.graph.objects, 'an edited object'] } }], 'edit')
    const second = await launch()
    expect((second.config as { text: { graph: string } }).text.graph).toBe('synthmotion-builtin@2')

    const { keys } = await temp.engine.invoke('runs.compare', { ids: [first.id, second.id] })
    expect(keys.find((k) => k.key === 'text.graph')).toEqual({ key: 'text.graph', values: ['synthmotion-builtin@1', 'synthmotion-builtin@2'], differs: true })
  })

  it('keeps a version or id as written, resolves a bare name to its latest version, and refuses a graph that does not exist', async () => {
    await launch() // creates the built-in graph
    expect(((await launch({ graph: 'synthmotion-builtin@1' })).config as { text: { graph: string } }).text.graph).toBe('synthmotion-builtin@1')
    expect(((await launch({ graph: 'synthmotion-builtin' })).config as { text: { graph: string } }).text.graph).toBe('synthmotion-builtin@1')
    expect(() => temp.engine.runs.launch(resolveExperiment({ name: 'pinned', text: { graph: 'no-such-graph' } }, 'test', temp.dataDir))).toThrow(/no knowledge graph "no-such-graph"/)
    // Class-name prompts read no graph: the reference stays as written.
    expect(((await launch({ graph: 'no-such-graph', promptSet: 'c' })).config as { text: { graph: string } }).text.graph).toBe('no-such-graph')
  })
})
