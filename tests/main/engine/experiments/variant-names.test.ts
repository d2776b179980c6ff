import { describe, expect, it } from 'vitest'
import { resolveExperiment } from '../../../../main/engine/experiments/resolve'
import { variantName } from '../../../../main/engine/export/variant'

const withVariants = (...names: string[]) => resolveExperiment({ name: 'x', sweep: { variants: names.map((name) => ({ name })), grid: { seed: [0, 1] } } }, 'x.yaml', '/')

describe('variant names', () => {
  it('may say what a row is, with & % # and spaces, and come back whole as the ablation row', () => {
    const e = withVariants('STCA & WSM', 'mask 50%', '#frames=8')
    expect(e.runs.map((r) => r.name)).toEqual(['STCA & WSM,seed=0', 'STCA & WSM,seed=1', 'mask 50%,seed=0', 'mask 50%,seed=1', '#frames=8,seed=0', '#frames=8,seed=1'])
    expect(e.runs.map((r) => variantName(`${r.name} #2`))).toEqual(['STCA & WSM', 'STCA & WSM', 'mask 50%', 'mask 50%', '#frames=8', '#frames=8'])
  })

  it('refuse what would be read back as another run’s suffix or seed, and control characters', () => {
    expect(() => withVariants('full #2')).toThrow(/must not end in " #<number>"/)
    expect(() => withVariants('full,seed=3')).toThrow(/must not contain a "seed=<number>" part/)
    expect(() => withVariants('a\u0007b')).toThrow(/must not contain control characters/)
  })
})
