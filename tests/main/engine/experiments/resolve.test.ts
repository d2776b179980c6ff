import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { DEFAULT_CONFIG, loadExperimentFile, resolveExperiment, type ExperimentFileError } from '../../../../main/engine/experiments/resolve'
import { tempDir } from '../../../helpers/temp-dir'

describe('experiment files', () => {
  it('resolve to frozen configs with every default filled in and the diff from the defaults', () => {
    const e = resolveExperiment({ name: 'one', model: { adaptation: { mode: 'frozen' } }, train: { epochs: 2 } }, 'one.yaml', '/exp')
    expect(e.runs).toHaveLength(1)
    const run = e.runs[0]!
    expect(run.name).toBe('default')
    expect(run.config.model.stca.masking).toMatchObject({ enabled: true, variant: 'repeat_window', ratio: 0.5, window: [2, 2], phase: 'random', shuffle: 'train' })
    expect(run.config.model.stca.mixing).toEqual({ mode: 'continual', scales: [1, 2], fold: 32 })
    expect(run.config.model.checkpoint).toBe('builtin:synth-clip')
    expect(run.diff).toEqual({ 'model.adaptation.mode': 'frozen', 'train.epochs': 2 })
    expect(Object.isFrozen(run.config.model.stca)).toBe(true)
    expect(DEFAULT_CONFIG.model.distillation).toEqual({ gradient: 'flow', weight: 2, alpha: 0.1 })
  })

  it('expand variants × grid into named runs', () => {
    const e = resolveExperiment(
      {
        name: 'table4',
        sweep: {
          variants: [
            { name: 'frozen', model: { adaptation: { mode: 'frozen' } } },
            { name: 'full-separate', model: { stca: { mixing: { mode: 'separate' } } } },
          ],
          grid: { seed: [0, 1] },
        },
      },
      't4.yaml',
      '/exp',
    )
    expect(e.runs.map((r) => r.name)).toEqual(['frozen,seed=0', 'frozen,seed=1', 'full-separate,seed=0', 'full-separate,seed=1'])
    expect(e.runs[3]!.diff).toEqual({ seed: 1, 'model.stca.mixing.mode': 'separate' })
  })

  it('name the key, the run and the allowed values in errors', () => {
    expect(() => resolveExperiment({ name: 'x', model: { adaptation: { mode: 'partial' } } }, 'x.yaml', '/')).toThrow('x.yaml: model.adaptation.mode: must be one of "full", "frozen", "prompt"')
    expect(() => resolveExperiment({ name: 'x', sweep: { grid: { 'model.stca.masking.ratio': [0.5, 0.3] } } }, 'x.yaml', '/')).toThrow(
      'x.yaml (run ratio=0.3): model.stca.masking.ratio: must be one of 0.25, 0.5, 0.75',
    )
    expect(() => resolveExperiment({ name: 'x', trian: {} }, 'x.yaml', '/')).toThrow('x.yaml: trian: unknown key "trian"; did you mean "train"?')
    expect(() => resolveExperiment({ name: 'x', sweep: { variants: [{ name: 'a' }, { name: 'a' }] } }, 'x.yaml', '/')).toThrow(/two runs are both named "a"/)
    expect(() => resolveExperiment(['not', 'a', 'map'], 'x.yaml', '/')).toThrow(/is a YAML mapping/)
  })

  it('name the nearest known key for an unknown one, at any depth, in a variant and in the sweep', () => {
    const issues = (doc: unknown) => {
      try {
        resolveExperiment(doc, 'x.yaml', '/')
      } catch (err) {
        return (err as ExperimentFileError).issues
      }
      throw new Error('no error')
    }
    expect(issues({ name: 'x', train: { epocs: 2, BatchSize: 4 } })).toEqual([
      { path: 'train.epocs', message: 'unknown key "epocs"; did you mean "epochs"?' },
      { path: 'train.BatchSize', message: 'unknown key "BatchSize"; did you mean "batchSize"?' },
    ])
    expect(issues({ name: 'x', model: { stca: { maskng: {} } } })).toEqual([{ path: 'model.stca.maskng', message: 'unknown key "maskng"; did you mean "masking"?' }])
    expect(issues({ name: 'x', eval: [{ dataset: 'ucf101', protocl: 'ep1' }] })).toEqual([{ path: 'eval.0.protocl', message: 'unknown key "protocl"; did you mean "protocol"?' }])
    expect(issues({ name: 'x', sweep: { variants: [{ name: 'a', trian: {} }] } })).toEqual([{ path: 'trian', message: 'unknown key "trian"; did you mean "train"?' }])
    expect(issues({ name: 'x', sweep: { grids: {} } })).toEqual([{ path: 'sweep.grids', message: 'unknown key "grids"; did you mean "grid"?' }])
    // Nothing near: every key allowed there.
    expect(issues({ name: 'x', text: { colour: 'red' } })[0]!.message).toBe('unknown key "colour"; the keys here are graph, padCyclic, promptSet, templates')
  })

  it('read YAML files, resolving relative paths against the file', () => {
    const dir = tempDir()
    try {
      mkdirSync(join(dir.path, 'suites'))
      const file = join(dir.path, 'suites', 'real.yaml')
      writeFileSync(file, 'name: real\nmodel:\n  checkpoint: ../models/clip-b16\neval:\n  - dataset: ucf101\n    root: ../data/ucf101\n    protocol: ep1\n')
      const e = loadExperimentFile(file)
      expect(e.filePath).toBe(file)
      expect(e.runs[0]!.config.model.checkpoint).toBe(join(dir.path, 'models', 'clip-b16'))
      expect(e.runs[0]!.config.eval[0]).toMatchObject({ dataset: 'ucf101', root: join(dir.path, 'data', 'ucf101'), split: 1, protocol: 'ep1', views: 3, skipBroken: true })
      writeFileSync(file, 'name: [unclosed\n')
      expect(() => loadExperimentFile(file)).toThrow(/not valid YAML/)
      expect(() => loadExperimentFile(join(dir.path, 'missing.yaml'))).toThrow(/cannot read the experiment file/)
    } finally {
      dir.remove()
    }
  })
})

describe('overrides (stdd run --set)', () => {
  it('apply to every run after the sweep, switching a suite to real data', () => {
    const e = resolveExperiment(
      { name: 'suite', eval: [{ dataset: 'synthmotion' }], sweep: { grid: { seed: [0, 1] } } },
      's.yaml',
      '/exp',
      { 'model.checkpoint': 'models/b16', 'eval.0.dataset': 'ucf101', 'eval.0.root': '/data/ucf', 'eval.0.protocol': 'ep3' },
    )
    for (const r of e.runs) {
      expect(r.config.model.checkpoint).toBe('/exp/models/b16')
      expect(r.config.eval[0]).toMatchObject({ dataset: 'ucf101', root: '/data/ucf', protocol: 'ep3' })
    }
    expect(e.runs.map((r) => r.config.seed)).toEqual([0, 1])
  })

  it('are validated like the file', () => {
    expect(() => resolveExperiment({ name: 's' }, 's.yaml', '/', { 'train.epochs': -1 })).toThrow(/s.yaml: train.epochs: /)
    expect(() => resolveExperiment({ name: 's' }, 's.yaml', '/', { 'sweep.grid': {} })).toThrow(/cannot change the sweep/)
  })
})
