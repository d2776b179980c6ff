import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'

/** Writes `text` to root/rel, creating folders. */
export function put(root: string, rel: string, text = ''): string {
  const p = join(root, rel)
  mkdirSync(dirname(p), { recursive: true })
  writeFileSync(p, text)
  return p
}

/**
 * A UCF101 root in the official layout (UCF101TrainTestSplits-RecognitionTask.zip + UCF-101/): 4 classes
 * incl. the HandstandPushups folder with v_HandStandPushups_* files and YoYo; 2 train + 1 test video per
 * class and split (empty files: the adapters only list them).
 */
export function makeUcfRoot(root: string): { folders: string[] } {
  const folders = ['ApplyEyeMakeup', 'HandstandPushups', 'YoYo', 'Hammering']
  const fileStem = (f: string): string => (f === 'HandstandPushups' ? 'HandStandPushups' : f)
  put(root, 'ucfTrainTestlist/classInd.txt', folders.map((f, i) => `${i + 1} ${f}\r\n`).join(''))
  for (const split of [1, 2, 3]) {
    const train: string[] = []
    const test: string[] = []
    folders.forEach((f, i) => {
      for (let g = 1; g <= 3; g++) {
        const rel = `${f}/v_${fileStem(f)}_g0${g}_c0${split}.avi`
        put(root, `UCF-101/${rel}`)
        if (g === split) test.push(`${rel}\r\n`)
        else train.push(`${rel} ${i + 1}\r\n`)
      }
    })
    put(root, `ucfTrainTestlist/trainlist0${split}.txt`, train.join(''))
    put(root, `ucfTrainTestlist/testlist0${split}.txt`, test.join(''))
  }
  return { folders }
}

/**
 * An HMDB51 root (testTrainMulti_7030_splits/ + hmdb51_org/<class>/), classes listed out of order; per
 * class and split: 2 × tag 1, 1 × tag 2, 1 × tag 0 (lines end with a space, as the official files do).
 */
export function makeHmdbRoot(root: string): { folders: string[] } {
  const folders = ['sword_exercise', 'climb', 'sword', 'climb_stairs', 'brush_hair']
  for (const f of folders) {
    for (const split of [1, 2, 3]) {
      const lines = [`${f}_a_s${split}.avi 1 `, `${f}_b_s${split}.avi 1 `, `${f}_c_s${split}.avi 2 `, `${f}_d_s${split}.avi 0 `]
      put(root, `testTrainMulti_7030_splits/${f}_test_split${split}.txt`, lines.join('\n') + '\n')
      for (const l of lines) put(root, `hmdb51_org/${f}/${l.split(' ')[0]}`)
    }
  }
  return { folders }
}

/** Kinetics-600 zero-shot files: 620 names ("k400 class 000" … , "new class 400" …), 3 splits of 60 val / 160 test. */
export function makeK600ZeroShot(root: string): { names: string[]; test: number[][]; val: number[][] } {
  const names = Array.from({ length: 620 }, (_, i) => (i < 400 ? `k400 class ${String(i).padStart(3, '0')}` : `new class ${619 - i + 400}`))
  const test: number[][] = []
  const val: number[][] = []
  for (let s = 0; s < 3; s++) {
    const rotated = Array.from({ length: 220 }, (_, k) => 400 + ((k + 37 * s) % 220))
    val.push(rotated.slice(0, 60))
    test.push(rotated.slice(60))
  }
  put(root, 'zsl220/classes620_label_defn.json', JSON.stringify(names.map((word) => ({ word, defn: `${word}.`, cleaned_word: word, cleaned_defn: `${word} .` }))))
  put(root, 'zsl220/tst_class_idxs.json', JSON.stringify(test))
  put(root, 'zsl220/val_class_idxs.json', JSON.stringify(val))
  return { names, test, val }
}
