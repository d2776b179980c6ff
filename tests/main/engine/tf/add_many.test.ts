import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { addMany } from '../../../../main/engine/tf/add_many'
import { expectNoLeak, useWasm } from '../../../helpers/tf'

beforeAll(async () => {
  await useWasm()
})

describe('addMany (sums in chunks a GPU kernel can bind)', () => {
  it('equals the plain sum for 1, 7, 8, 50 and 204 tensors and leaves only its result', async () => {
    for (const n of [1, 7, 8, 50, 204]) {
      const ts = Array.from({ length: n }, (_, i) => tf.tensor1d([i, 2 * i, i * i]))
      const sum = await expectNoLeak(() => {
        const r = addMany(ts)
        const values = Array.from(r.dataSync())
        r.dispose()
        return values
      })
      const expected = [0, 1, 2].map((k) => Array.from({ length: n }, (_, i) => [i, 2 * i, i * i][k]!).reduce((a, b) => a + b, 0))
      expect(sum, `${n} tensors`).toEqual(expected)
      tf.dispose(ts)
    }
  })

  it('refuses an empty list', () => {
    expect(() => addMany([])).toThrow(/nothing to add/)
  })
})
