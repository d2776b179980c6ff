import { describe, expect, it } from 'vitest'
import { parseOverrides } from '../../renderer/components/launch-overrides'

describe('the launch panel’s --set box', () => {
  it('reads key=value lines with typed values, skipping blanks and comments', () => {
    expect(parseOverrides('train.epochs=2\n\n# the data\neval.0.root = /data/ucf101\nmodel.stca.enabled=false\nname="a b"')).toEqual({
      values: { 'train.epochs': 2, 'eval.0.root': '/data/ucf101', 'model.stca.enabled': false, name: 'a b' },
    })
  })

  it('names the first bad line and what a line must look like', () => {
    expect(parseOverrides('train.epochs=2\nepochs 3')).toEqual({ error: 'line 2 "epochs 3": write key=value with a dotted key, e.g. train.epochs=2' })
    expect(parseOverrides('train.lr=')).toEqual({ error: 'line 1: train.lr has no value' })
  })
})
