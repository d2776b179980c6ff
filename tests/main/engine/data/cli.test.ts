import { readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { tempDir } from '../../../helpers/temp-dir'
import { dataInspectCommand } from '../../../../main/cli/commands/data-inspect'
import { protocolSubsetsCommand } from '../../../../main/cli/commands/protocol-subsets'
import { synthMakeCommand } from '../../../../main/cli/commands/synth-make'
import { CliUsageError, type CliCommand, type CliContext } from '../../../../main/cli/types'
import { makeUcfRoot, put } from './make-fixtures'

async function run(command: CliCommand, values: Record<string, unknown>, positionals: string[] = []): Promise<{ code: number; out: string; err: string }> {
  let out = ''
  let err = ''
  const ctx = { io: { out: (t: string) => (out += t + '\n'), err: (t: string) => (err += t + '\n') } } as unknown as CliContext
  const code = await command.run({ values, positionals }, ctx)
  return { code, out, err }
}

const py = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', 'cpython-random.json'), 'utf8')) as { subsets: { classes: number; count: number; seed: string; subsets: number[][] }[] }

describe('stdd protocol subsets', () => {
  it('prints the CPython lists as JSON', async () => {
    for (const c of py.subsets) {
      const r = await run(protocolSubsetsCommand, { classes: String(c.classes), count: String(c.count), seed: c.seed, json: true })
      expect(r.code).toBe(0)
      expect(JSON.parse(r.out)).toEqual(c.subsets)
    }
  })

  it('defaults to 10 subsets with seed 2023 and prints them as text', async () => {
    const r = await run(protocolSubsetsCommand, { classes: '51' })
    expect(r.out.split('\n')[1]).toBe('s0 0,3,5,8,9,10,12,15,16,17,18,23,26,27,29,30,31,32,38,41,42,43,46,47,48')
    expect(r.out.trim().split('\n')).toHaveLength(11)
  })

  it('rejects bad options', async () => {
    await expect(run(protocolSubsetsCommand, {})).rejects.toThrow(CliUsageError)
    await expect(run(protocolSubsetsCommand, { classes: '10', seed: '1.5' })).rejects.toThrow(/--seed must be an integer/)
    await expect(run(synthMakeCommand, {})).rejects.toThrow(/--out DIR is required/)
    await expect(run(synthMakeCommand, { out: '/tmp/x', size: '33' })).rejects.toThrow(/--size must be even/)
  })
})

describe('stdd data inspect', () => {
  let dir: ReturnType<typeof tempDir>
  beforeEach(() => {
    dir = tempDir('stdd-inspect-')
  })
  afterEach(() => dir.remove())

  it('counts classes and videos, lists missing files with their list line, exits 1', async () => {
    makeUcfRoot(dir.path)
    rmSync(join(dir.path, 'UCF-101', 'YoYo', 'v_YoYo_g02_c02.avi'))
    const r = await run(dataInspectCommand, { dataset: 'ucf101', split: '2', samples: '0' }, [dir.path])
    expect(r.code).toBe(1)
    expect(r.out).toContain('classes: 4 (Apply Eye Makeup, Handstand Pushups, Yoyo, …)')
    expect(r.out).toContain('videos: 4 listed, 3 on disk, 1 missing')
    expect(r.out).toContain(`missing: ${join(dir.path, 'UCF-101', 'YoYo', 'v_YoYo_g02_c02.avi')} (listed at ${join(dir.path, 'ucfTrainTestlist', 'testlist02.txt')}:3)`)
    const json = await run(dataInspectCommand, { dataset: 'ucf101', split: '1', samples: '0', json: true }, [dir.path])
    expect(JSON.parse(json.out)).toMatchObject({ classes: 4, videos: 4, onDisk: 4, ok: true })
  })

  it("prints the adapter's notes: a Kinetics root without its CSV is read from class folders and says so", async () => {
    put(dir.path, 'val/zumba/q1_000300_000310.mp4')
    const r = await run(dataInspectCommand, { dataset: 'k400', samples: '0' }, [dir.path])
    expect(r.out.split('\n')[1]).toMatch(/^note: no official Kinetics val CSV .* reading the class folders of .*val instead, so videos that were never downloaded cannot be reported as missing$/)
    put(dir.path, 'kinetics-400_val.csv', 'label,youtube_id,time_start,time_end,split,is_cc\nzumba,q1,300,310,val,0\nzumba,q2,0,10,val,0\n')
    const json = JSON.parse((await run(dataInspectCommand, { dataset: 'k400', samples: '0', json: true }, [dir.path])).out) as { notes: string[]; missing: unknown[]; ok: boolean }
    expect(json).toMatchObject({ notes: [expect.stringMatching(/^k400 val list: kinetics-400_val\.csv \(official CSV\)/)], ok: false })
    expect(json.missing).toHaveLength(1)
  })

  it('reports a sample that does not decode', async () => {
    makeUcfRoot(dir.path) // the fixture's videos are empty files
    const r = await run(dataInspectCommand, { dataset: 'ucf101', samples: '1' }, [dir.path])
    expect(r.code).toBe(1)
    expect(r.out).toMatch(/CANNOT DECODE .*v_ApplyEyeMakeup_g01_c01\.avi: ffprobe cannot read the file/)
  })

  it('rejects an unknown data set and a missing root', async () => {
    await expect(run(dataInspectCommand, { dataset: 'kinetics' }, [dir.path])).rejects.toThrow(/--dataset must be one of ucf101, hmdb51, k400, k600/)
    await expect(run(dataInspectCommand, { dataset: 'ucf101' }, [])).rejects.toThrow(/exactly one ROOT/)
  })
})
