import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { tempDir } from '../../../helpers/temp-dir'
import { loadDatasetSplit } from '../../../../main/engine/data/adapters'
import { findKineticsCsv } from '../../../../main/engine/data/adapters/kinetics-find'
import { protocolSets } from '../../../../main/engine/data/protocols/protocols'
import { ExperimentConfig } from '../../../../main/engine/experiments/schema'
import { CLIP_MEAN, CLIP_STD } from '../../../../main/engine/data'
import { evalSets } from '../../../../main/engine/train/video-data'
import { put } from './make-fixtures'

/**
 * The Kinetics CSVs as they are published: ActivityNet's `kinetics-400_val.csv` (with K400's `is_cc`
 * column) and `kinetics-600_val.csv`, whose download script names clips `<ytid>_<start:06d>_<end:06d>.mp4`
 * in one folder per label (spaces kept); CVDF's `annotations/val.csv` with the clips flat in `val/`.
 */

let dir: ReturnType<typeof tempDir>
beforeEach(() => {
  dir = tempDir('stdd-kinetics-')
})
afterEach(() => dir.remove())

const K400_HEADER = 'label,youtube_id,time_start,time_end,split,is_cc'
const K600_HEADER = 'label,youtube_id,time_start,time_end,split'

/** Both ActivityNet CSVs in one root; K400 clips in label folders as download.py makes them, one clip of each never downloaded. */
function activityNetRoot(): void {
  put(dir.path, 'kinetics-400_val.csv', [K400_HEADER, 'abseiling,0wR5jVB-WPk,417,427,val,0', '"passing American football (in game)",Zz9-abc_def,7,17,val,1', 'zumba,gone1234567,1,11,val,0'].join('\n') + '\n')
  put(dir.path, 'kinetics-600_val.csv', [K600_HEADER, 'abseiling,0wR5jVB-WPk,417,427,val', 'acting in play,08MqsEmN19s,19,29,val', 'adjusting glasses,-7O581Lzrb4,154,164,val'].join('\n') + '\n')
  put(dir.path, 'val/abseiling/0wR5jVB-WPk_000417_000427.mp4')
  put(dir.path, 'val/passing American football (in game)/Zz9-abc_def_000007_000017.mp4')
  put(dir.path, 'val/zumba/.keep')
}

describe('official Kinetics CSVs', () => {
  it('reads kinetics-400_val.csv for k400 (not the 600 one next to it) and reports the clip never downloaded', () => {
    activityNetRoot()
    const list = loadDatasetSplit(dir.path, 'k400', 'val')
    expect(list.classes).toEqual(['abseiling', 'passing American football (in game)', 'zumba'])
    expect(list.items.map((i) => [i.label, i.path])).toEqual([
      [0, join(dir.path, 'val/abseiling/0wR5jVB-WPk_000417_000427.mp4')],
      [1, join(dir.path, 'val/passing American football (in game)/Zz9-abc_def_000007_000017.mp4')],
    ])
    expect(list.missing.map((m) => [m.className, m.source])).toEqual([['zumba', `${join(dir.path, 'kinetics-400_val.csv')}:4`]])
    expect(list.notes).toEqual([`k400 val list: kinetics-400_val.csv (official CSV); videos looked up by name under ${join(dir.path, 'val')}`])
  })

  it('reads kinetics-600_val.csv for k600: the closed-set protocol over all its classes', () => {
    activityNetRoot()
    const [set, ...more] = protocolSets('full', 'k600', dir.path)
    expect(more).toEqual([])
    expect(set!.name).toBe('val')
    expect(set!.list.classes).toEqual(['abseiling', 'acting in play', 'adjusting glasses'])
    expect(set!.list.items).toHaveLength(1) // only the abseiling clip is on disk
    expect(set!.list.missing.map((m) => m.className)).toEqual(['acting in play', 'adjusting glasses'])
    expect(set!.list.description).toBe('k600 validation set, all 3 classes (closed set)')
  })

  it('finds CVDF annotations/val.csv with the clips flat in val/', () => {
    put(dir.path, 'annotations/val.csv', [K600_HEADER, 'zumba,q1,300,310,val', 'abseiling,a2,0,10,val'].join('\n'))
    put(dir.path, 'val/q1_000300_000310.mp4')
    put(dir.path, 'val/a2_000000_000010.mp4')
    const list = loadDatasetSplit(dir.path, 'k400', 'val')
    expect(list.items.map((i) => [i.className, i.path])).toEqual([
      ['zumba', join(dir.path, 'val/q1_000300_000310.mp4')],
      ['abseiling', join(dir.path, 'val/a2_000000_000010.mp4')],
    ])
    expect(list.missing).toEqual([])
  })

  it('passes over CSVs of another version, headless lists and foreign headers, and says so', () => {
    put(dir.path, 'kinetics-600_val.csv', `${K600_HEADER}\nabseiling,x,1,11,val\n`)
    put(dir.path, 'val.csv', 'val/abc.mp4,3\n')
    put(dir.path, 'annotations/validate.csv', 'id,name\n0,abseiling\n')
    const search = findKineticsCsv(dir.path, 'val', 'k400')
    expect(search.file).toBeNull()
    expect(search.looked).toEqual(['./', 'annotations/'])
    expect(search.rejected).toEqual([
      'kinetics-600_val.csv (a Kinetics-600 list, not k400)',
      'val.csv (a headless "path,label" list, not the official CSV)',
      `${join('annotations', 'validate.csv')} (header "id,name" is not label,youtube_id,time_start,time_end,…)`,
    ])
  })
})

describe('no silent fall-back to class folders', () => {
  it('reads the class folders only with a note that says why and what it cannot report', () => {
    put(dir.path, 'val.csv', 'val/abc.mp4,3\n')
    put(dir.path, 'val/zumba/q1_000300_000310.mp4')
    const list = loadDatasetSplit(dir.path, 'k400', 'val')
    expect(list.items).toHaveLength(1)
    expect(list.notes).toHaveLength(1)
    expect(list.notes![0]).toContain('no official Kinetics val CSV')
    expect(list.notes![0]).toContain('passed over val.csv (a headless "path,label" list, not the official CSV)')
    expect(list.notes![0]).toContain(`reading the class folders of ${join(dir.path, 'val')} instead, so videos that were never downloaded cannot be reported as missing`)
  })

  it('refuses a root with neither, naming where it looked', () => {
    put(dir.path, 'annotations/readme.txt', 'nothing here')
    expect(() => loadDatasetSplit(dir.path, 'k400', 'val')).toThrow(`${dir.path}: no official Kinetics val CSV (header label,youtube_id,time_start,time_end,…) in ./, annotations/ of ${dir.path} (put the official CSV (kinetics-400_val.csv`)
  })
})

describe('eval.dataset k400/k600 with protocol full', () => {
  it('evaluates the closed-set validation set, with its missing clips and notes', () => {
    activityNetRoot()
    const config = ExperimentConfig.parse({ name: 'k400-closed', eval: [{ dataset: 'k400', root: dir.path, protocol: 'full' }] })
    const sets = evalSets(config, config.eval[0]!, { imageSize: 224, mean: CLIP_MEAN, std: CLIP_STD })
    expect(sets.map((s) => [s.name, s.size, s.classes.length])).toEqual([['val', 2, 3]])
    expect(sets[0]!.missing).toEqual([`${join(dir.path, 'val/gone1234567_000001_000011.mp4')} (${join(dir.path, 'kinetics-400_val.csv')}:4)`])
    expect(sets[0]!.notes[0]).toMatch(/^k400 val list: kinetics-400_val\.csv/)
  })

  it('still refuses EP1-EP3 on Kinetics, pointing at full (and k600)', () => {
    activityNetRoot()
    expect(() => protocolSets('ep2', 'k400', dir.path)).toThrow('EP2 runs on ucf101 or hmdb51 (got "k400") (use protocol: full for the closed-set k400 validation set)')
    expect(() => protocolSets('ep1', 'k600', dir.path)).toThrow('(use protocol: full for the closed-set k600 validation set, or protocol: k600 for the zero-shot splits)')
  })
})
