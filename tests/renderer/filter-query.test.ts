import { describe, expect, it } from 'vitest'
import { parseFilterQuery } from '../../renderer/components/runs/filter-query'

describe('the runs filter box', () => {
  it('turns key=value and key>value words into typed config conditions and keeps the rest as text', () => {
    expect(parseFilterQuery('frozen model.adaptation.mode=full train.lr>=0.001 model.stca.enabled!=true eval.0.dataset="ucf 101" seed<3')).toEqual({
      text: 'frozen',
      conditions: [
        { key: 'model.adaptation.mode', op: '=', value: 'full' },
        { key: 'train.lr', op: '>=', value: 0.001 },
        { key: 'model.stca.enabled', op: '!=', value: true },
        { key: 'eval.0.dataset', op: '=', value: 'ucf 101' },
        { key: 'seed', op: '<', value: 3 },
      ],
      tags: [],
    })
  })

  it('keeps plain words, numbers and run names with commas as free text', () => {
    expect(parseFilterQuery('  full,wsm  42 ')).toEqual({ text: 'full,wsm 42', conditions: [], tags: [] })
    expect(parseFilterQuery('')).toEqual({ text: '', conditions: [], tags: [] })
  })

  it('reads metric conditions with spaces around the operator, and tag:NAME words', () => {
    expect(parseFilterQuery('top1>40 eval.ucf101.ep3.top1 >= 80 tag:paper eval/synthmotion/unseen/top1 < 99.5 name="a >= b"')).toEqual({
      text: '',
      conditions: [
        { key: 'top1', op: '>', value: 40 },
        { key: 'eval.ucf101.ep3.top1', op: '>=', value: 80 },
        { key: 'eval/synthmotion/unseen/top1', op: '<', value: 99.5 },
        { key: 'name', op: '=', value: 'a >= b' },
      ],
      tags: ['paper'],
    })
  })
})
