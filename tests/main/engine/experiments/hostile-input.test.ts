import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { MAX_EXPERIMENT_FILE_BYTES, MAX_SWEEP_RUNS } from '../../../../main/engine/experiments/limits'
import { ExperimentFileError, loadExperimentFile, resolveExperiment } from '../../../../main/engine/experiments/resolve'
import { parseClipConfig } from '../../../../main/engine/clip/configuration_clip'
import { tempDir } from '../../../helpers/temp-dir'

/** Experiment files and overrides written by a careless or hostile user (issue 19: F2, F3, F4, F10, F14). */

function resolveError(doc: unknown, overrides: Record<string, unknown> = {}): string {
  try {
    resolveExperiment(doc, 'x.yaml', '/exp', overrides)
  } catch (err) {
    expect(err).toBeInstanceOf(ExperimentFileError)
    return (err as Error).message
  }
  throw new Error('the experiment was expected to be refused')
}

describe('prototype keys (F2)', () => {
  it('an override or a grid key through __proto__, constructor or prototype is refused and pollutes nothing', () => {
    for (const key of ['__proto__.polluted', 'train.__proto__.polluted', 'constructor.prototype.polluted', 'model.prototype']) {
      expect(resolveError({ name: 'pp' }, { [key]: 'yes' })).toMatch(new RegExp(`key "${key.replace(/\./g, '\\.')}".*"(__proto__|constructor|prototype)" is not allowed`))
      expect(resolveError({ name: 'pp', sweep: { grid: { [key]: ['yes'] } } })).toContain(`key "${key}"`)
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  it('a __proto__ section in the file itself (as YAML and JSON parse it) is refused', () => {
    const doc = JSON.parse('{"name":"pp","__proto__":{"polluted":"yes"},"train":{"__proto__":{"polluted":"yes"}}}') as unknown
    expect(resolveError(doc)).toMatch(/"__proto__" is not allowed/)
    const variant = JSON.parse('{"name":"pp","sweep":{"variants":[{"name":"a","__proto__":{"polluted":"yes"}}]}}') as unknown
    expect(resolveError(variant)).toMatch(/"__proto__" is not allowed/)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })
})

describe('sweep size (F3)', () => {
  it('a sweep above the limit is refused before it is expanded, naming the limit, the count and the grid keys', () => {
    const values = Array.from({ length: 30 }, (_, i) => i)
    const grid = { seed: values, 'train.lr': values, 'train.epochs': values, 'train.frames': values, 'train.stride': values }
    const started = performance.now()
    const message = resolveError({ name: 'huge', sweep: { grid } })
    expect(performance.now() - started).toBeLessThan(1000) // 24.3 M configs were never built
    expect(message).toContain(`24300000 runs`)
    expect(message).toContain(`limit of ${MAX_SWEEP_RUNS}`)
    for (const key of Object.keys(grid)) expect(message).toContain(`${key} (30)`)
  })

  it('variants multiply the grid; a sweep at the limit still expands', () => {
    const variants = [{ name: 'a' }, { name: 'b' }]
    const seeds = (n: number) => Array.from({ length: n }, (_, i) => i)
    expect(resolveError({ name: 'v', sweep: { variants, grid: { seed: seeds(MAX_SWEEP_RUNS / 2 + 1) } } })).toContain(`${MAX_SWEEP_RUNS + 2} runs (2 variants × seed (${MAX_SWEEP_RUNS / 2 + 1}))`)
    expect(resolveExperiment({ name: 'v', sweep: { variants, grid: { seed: seeds(MAX_SWEEP_RUNS / 2) } } }, 'x.yaml', '/exp').runs).toHaveLength(MAX_SWEEP_RUNS)
  })
})

describe('size bounds (F4, F14)', () => {
  const cases: [string, unknown, RegExp][] = [
    ['train.frames', 10000, /train\.frames: .*(at most|<=) ?64/],
    ['train.data.synth.videoFrames', 1e8, /train\.data\.synth\.videoFrames: .*(at most|<=) ?1024/],
    ['train.data.synth.videosPerClass', 1e9, /train\.data\.synth\.videosPerClass: .*(at most|<=) ?10000/],
    ['train.batchSize', 1e9, /train\.batchSize: .*(at most|<=) ?256/],
    ['train.globalBatch', 1e9, /train\.globalBatch: .*(at most|<=) ?4096/],
    ['train.epochs', 1e9, /train\.epochs: .*(at most|<=) ?1000/],
    ['train.checkpointsKept', 0, /train\.checkpointsKept: .*(at least|>=) ?1/],
    ['train.checkpointsKept', 1e6, /train\.checkpointsKept: .*(at most|<=) ?1000/],
  ]
  it.each(cases)('%s = %s is refused up front with its bound', (key, value, pattern) => {
    expect(resolveError({ name: 'big' }, { [key]: value })).toMatch(pattern)
  })

  it('eval views = 1e9 is refused up front with its bound', () => {
    expect(resolveError({ name: 'big', eval: [{ dataset: 'synthmotion', views: 1e9 }] })).toMatch(/eval\.0\.views: .*(at most|<=) ?32/)
  })

  it('a CLIP config.json with absurd sizes is refused with the estimated parameter memory', () => {
    expect(() => parseClipConfig({ vision_config: { num_hidden_layers: 1e8 } }, '/m/config.json')).toThrow(/\/m\/config\.json: .*vision_config\.num_hidden_layers: .*(at most|<=) ?256/)
    expect(() => parseClipConfig({ vision_config: { hidden_size: 16384, intermediate_size: 65536, num_hidden_layers: 256, num_attention_heads: 128 } }, '/m/config.json')).toThrow(
      /\/m\/config\.json: about [\d.]+ G parameters \([\d.]+ GiB as float32\), more than the limit of 4 G/,
    )
    expect(parseClipConfig({}).vision.numHiddenLayers).toBe(12)
  })
})

describe('experiment file size (F10)', () => {
  it('stdd run FILE refuses a file over the same 1 MiB limit as the UI path', () => {
    const dir = tempDir()
    try {
      const file = join(dir.path, 'huge.yaml')
      writeFileSync(file, 'name: huge\n' + '#'.repeat(MAX_EXPERIMENT_FILE_BYTES))
      expect(() => loadExperimentFile(file)).toThrow(new RegExp(`${file}: .* bytes is larger than the ${MAX_EXPERIMENT_FILE_BYTES}-byte limit`))
      writeFileSync(file, 'name: fine\n')
      expect(loadExperimentFile(file).name).toBe('fine')
    } finally {
      dir.remove()
    }
  })
})
