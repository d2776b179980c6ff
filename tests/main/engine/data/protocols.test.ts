import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { halfClassSubsets } from '../../../../main/engine/data/protocols/subsets'
import { PythonRandom } from '../../../../main/engine/data/protocols/python-random'
import { seedKey } from '../../../../main/engine/data/protocols/mt19937'

interface CpythonRandom {
  genrand: Record<string, number[]>
  getrandbits: Record<string, [number, string][]>
  random: Record<string, number[]>
  randbelow: Record<string, [number, number][]>
  subsets: { classes: number; count: number; seed: string; subsets: number[][] }[]
}
/** Computed by CPython 3.11 with fixtures/make-cpython-random.py. */
const py = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', 'cpython-random.json'), 'utf8')) as CpythonRandom

// docs/method.md §5.2, copied from the committed Open-VCLIP/STDD zs_label_db lists.
const UCF_2023 = [
  '0,1,5,10,11,13,14,17,18,20,21,23,24,27,28,30,31,32,33,34,35,41,42,44,45,48,52,54,55,56,58,60,62,65,66,69,70,71,72,74,76,79,80,82,85,86,91,94,97,99',
  '0,5,6,7,10,15,16,17,19,20,26,27,28,29,30,33,36,39,41,46,47,48,50,51,52,53,56,57,58,59,60,63,64,66,67,69,75,76,77,78,79,80,84,85,86,87,94,95,96,98',
  '0,1,2,6,11,13,14,20,21,23,25,26,28,29,32,33,34,35,37,38,39,40,42,43,44,46,49,52,53,55,56,59,60,65,67,68,69,70,71,73,74,76,77,81,83,85,86,91,96,98',
  '0,1,3,5,8,12,13,15,17,19,20,21,23,25,28,30,31,32,36,38,39,41,42,43,45,47,49,50,51,52,53,54,59,60,61,65,66,68,69,73,77,80,82,83,87,91,95,97,98,99',
  '0,1,5,6,8,9,14,17,20,24,29,31,32,33,38,40,41,44,45,46,47,48,50,51,52,53,58,60,61,64,65,66,67,68,70,71,72,73,74,77,78,81,88,89,91,93,95,96,98,99',
  '1,2,3,4,6,8,10,12,13,17,19,20,21,24,28,30,31,32,33,35,36,38,39,41,44,45,47,50,52,53,55,56,60,62,63,66,73,75,76,77,78,80,84,87,88,90,91,92,99,100',
  '0,1,2,4,5,7,8,11,14,15,16,18,19,21,23,24,26,27,30,32,36,41,42,43,44,46,49,52,56,58,60,61,63,66,67,68,70,71,72,74,79,80,82,83,84,88,92,94,95,98',
  '0,2,5,6,8,9,11,13,16,18,19,20,21,22,23,24,25,28,31,32,34,35,37,44,48,49,53,54,59,61,62,63,64,65,66,67,68,69,75,76,77,83,85,88,90,92,93,96,97,98',
  '0,3,4,5,6,9,13,14,17,18,20,23,24,25,26,27,28,36,37,39,42,43,44,48,50,51,57,59,60,66,67,68,70,71,72,74,75,76,79,83,84,85,86,90,91,93,96,97,98,99',
  '3,4,5,8,9,13,16,19,20,22,23,26,30,33,34,35,38,39,40,42,44,45,50,51,52,53,55,56,57,60,61,63,64,65,66,68,70,71,73,74,76,77,78,79,80,84,88,91,96,100',
]
const HMDB_2023 = [
  '0,3,5,8,9,10,12,15,16,17,18,23,26,27,29,30,31,32,38,41,42,43,46,47,48',
  '0,1,2,4,6,12,14,15,16,19,20,22,24,26,27,29,31,33,37,39,42,44,46,48,50',
  '1,2,3,8,9,10,11,12,14,16,17,22,23,25,26,28,29,33,34,35,38,40,42,47,49',
  '0,1,3,6,8,11,12,15,16,20,21,24,26,28,30,31,34,35,36,38,39,40,45,46,50',
  '0,4,9,10,13,16,17,18,21,22,26,29,30,31,34,35,37,38,40,41,44,47,48,49,50',
  '1,2,6,9,10,11,12,13,15,17,19,21,22,23,24,26,30,31,32,34,36,38,40,47,48',
  '0,1,2,5,6,8,9,10,12,14,15,19,20,21,25,26,27,30,33,36,38,39,41,45,50',
  '1,2,4,5,7,11,12,14,19,22,25,26,27,35,36,37,38,39,40,41,43,45,47,48,49',
  '0,1,4,8,9,11,12,16,19,20,22,23,24,26,28,29,30,31,33,34,35,44,45,49,50',
  '1,4,5,7,12,13,16,17,18,20,22,23,26,27,28,29,30,31,35,38,44,45,48,49,50',
]

describe('CPython random port', () => {
  it('seeds like random.seed(int), including multi-word and negative seeds', () => {
    for (const [seed, expected] of Object.entries(py.genrand)) {
      const r = new PythonRandom(BigInt(seed))
      expect(expected.map(() => r.getrandbits32(32)), `seed ${seed}`).toEqual(expected)
    }
    expect(seedKey(0)).toEqual([0])
    expect(seedKey(2n ** 32n + 5n)).toEqual([5, 1])
  })

  it('getrandbits, random and _randbelow match CPython', () => {
    const r = new PythonRandom(7)
    for (const [k, v] of py.getrandbits['7']!) expect(r.getrandbits(k).toString(), `k=${k}`).toBe(v)
    const f = new PythonRandom(11)
    for (const v of py.random['11']!) expect(f.random()).toBe(v)
    const b = new PythonRandom(3)
    for (const [n, v] of py.randbelow['3']!) expect(b.randbelow(n), `n=${n}`).toBe(v)
  })

  it('reproduces the spec\'s UCF101 and HMDB51 EP1 subsets for seed 2023', () => {
    expect(halfClassSubsets(101, 10, 2023).map((s) => s.join(','))).toEqual(UCF_2023)
    expect(halfClassSubsets(51, 10, 2023).map((s) => s.join(','))).toEqual(HMDB_2023)
  })

  it('matches CPython shuffle subsets for other sizes and seeds', () => {
    for (const c of py.subsets) {
      expect(halfClassSubsets(c.classes, c.count, BigInt(c.seed)), `N=${c.classes} seed=${c.seed}`).toEqual(c.subsets)
    }
  })

  it('rejects bad arguments with a clear message', () => {
    expect(() => halfClassSubsets(0)).toThrow(/numClasses/)
    expect(() => new PythonRandom(1.5)).toThrow(/integer/)
  })
})
