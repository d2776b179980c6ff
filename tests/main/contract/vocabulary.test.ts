import { describe, expect, it } from 'vitest'
import { ContractError, parseCommand } from '../../../contract'
import { DATASETS, evalKey, evalMetricName, parseEvalMetric, PROMPT_SETS, PROTOCOLS, top1Key } from '../../../contract/vocabulary'
import { ExperimentConfig } from '../../../main/engine/experiments/schema'

describe('the vocabulary', () => {
  it('builds and parses the name of a target metric', () => {
    expect(evalMetricName('ucf101/ep1', 'top1_std')).toBe('eval/ucf101/ep1/top1_std')
    expect(parseEvalMetric('eval/ucf101/ep1/top1_std')).toEqual({ key: 'ucf101/ep1', stat: 'top1_std' })
    expect(top1Key('eval/synthmotion/unseen/top1')).toBe('synthmotion/unseen')
  })

  it('parses neither per-set metrics nor other names', () => {
    expect(parseEvalMetric('eval/ucf101/ep1/subset_3/top1')).toBeNull()
    expect(parseEvalMetric('train/loss')).toBeNull()
    expect(top1Key('eval/ucf101/ep1/top5')).toBeNull()
  })

  it('keys a target by data set and protocol, SynthMotion by its class set', () => {
    expect(evalKey({ dataset: 'hmdb51', protocol: 'ep3' })).toBe('hmdb51/ep3')
    expect(evalKey({ dataset: 'synthmotion', protocol: 'full', synth: { classes: 'seen' } })).toBe('synthmotion/seen')
    expect(evalKey({ dataset: 'synthmotion', protocol: 'full' })).toBe('synthmotion/unseen')
  })

  it('is what an experiment file accepts', () => {
    const shape = ExperimentConfig.shape
    expect(shape.text.unwrap().shape.promptSet.unwrap().options).toEqual([...PROMPT_SETS])
    const target = shape.eval.unwrap().element.shape
    expect(target.dataset.options).toEqual([...DATASETS])
    expect(target.protocol.unwrap().options).toEqual([...PROTOCOLS])
  })

  it("types runs.evaluate's targets: a bad one is refused at the boundary, naming the field and the allowed values", () => {
    expect(() => parseCommand('runs.evaluate', { runId: 1, evals: [{ dataset: 'ucf999' }] })).toThrow(ContractError)
    expect(() => parseCommand('runs.evaluate', { runId: 1, evals: [{ dataset: 'ucf999' }] })).toThrow('runs.evaluate: evals.0.dataset must be one of "synthmotion", "ucf101", "hmdb51", "k400", "k600"')
    const parsed = parseCommand('runs.evaluate', { runId: 1, evals: [{ dataset: 'ucf101', protocol: 'ep1' }] })
    expect(parsed.input).toMatchObject({ evals: [{ dataset: 'ucf101', protocol: 'ep1', views: 3, split: 1 }] })
  })
})
