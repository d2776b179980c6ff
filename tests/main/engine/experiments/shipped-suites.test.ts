import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadExperimentFile } from '../../../../main/engine/experiments/resolve'

const root = join(import.meta.dirname, '..', '..', '..', '..', 'experiments')
const files = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.yaml') ? [join(dir, e.name)] : []))

describe('the shipped experiment files', () => {
  it.each(files(root).map((f) => [f.slice(root.length + 1), f]))('%s validates', (_name, file) => {
    const e = loadExperimentFile(file)
    expect(e.runs.length).toBeGreaterThan(0)
    for (const r of e.runs) expect(r.config.model.checkpoint).toBe('builtin:synth-clip')
  })

  it('re-create the rows of the paper\'s tables', () => {
    const names = (f: string) => loadExperimentFile(join(root, 'paper', f)).runs.map((r) => r.name)
    expect(names('table4-adaptation.yaml')).toHaveLength(10) // frozen + {prompt, full} × {WSM on, off} × {separate, continual} + the fully tuned control without STCA
    expect(names('table3-text-sets.yaml')).toEqual(['C', 'S', 'T', 'S+T'])
    expect(names('figure4-frozen-clip.yaml')).toHaveLength(8) // 4 prompt sets × 2 alignments
  })
})
