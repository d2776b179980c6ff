import { describe, expect, it } from 'vitest'
import { useTempEngine } from '../../../helpers/temp-engine'

const temp = useTempEngine()

describe('prompts.preview of an unsaved edit', () => {
  it('shows what a save would give, stores nothing, and names what a broken edit breaks', async () => {
    const [g] = await temp.engine.invoke('graphs.list', {})
    const cls = (await temp.engine.invoke('graphs.get', { id: g!.id })).classes[0]!
    const edited = { ...cls.graph, clauses: { ...cls.graph.clauses, aa: ['starting at the far left', ...cls.graph.clauses.aa.slice(1)] } }
    const preview = await temp.engine.invoke('prompts.preview', { graphId: g!.id, classIndex: 0, style: 'hard', graph: edited })
    expect(preview.sets.find((s) => s.kind === 't')!.prompts[1]).toBe(`This is a video of ${cls.name}, starting at the far left.`)
    const stored = await temp.engine.invoke('prompts.preview', { graphId: g!.id, classIndex: 0, style: 'hard' })
    expect(stored.sets.find((s) => s.kind === 't')!.prompts[1]).not.toContain('starting at the far left')
    expect(await temp.engine.invoke('graphs.list', {})).toHaveLength(1) // no new version
    const broken = { ...cls.graph, objectRelations: [{ head: 'a', relation: '', tail: 'b' }] }
    await expect(temp.engine.invoke('prompts.preview', { graphId: g!.id, classIndex: 0, graph: broken })).rejects.toThrow(/graph\.objectRelations\.0\.relation/)
  })
})
