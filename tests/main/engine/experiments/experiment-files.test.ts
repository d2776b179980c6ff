import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { ContractError } from '../../../../contract'
import { useTempEngine } from '../../../helpers/temp-engine'

const temp = useTempEngine()
const folder = () => join(temp.dataDir, 'experiments')

async function refusal(command: 'experiments.save' | 'experiments.read', input: unknown): Promise<ContractError> {
  return (await temp.engine.invoke(command, input).then(
    () => {
      throw new Error(`${command} did not refuse`)
    },
    (e: ContractError) => e,
  )) as ContractError
}

describe('experiments.validate', () => {
  it('counts the runs of valid YAML', async () => {
    expect(await temp.engine.invoke('experiments.validate', { text: 'name: lr\nsweep:\n  grid:\n    train.lr: [0.001, 0.0001]\n' })).toEqual({ name: 'lr', runs: 2, problems: [] })
  })

  it('places a YAML syntax error at its line and column', async () => {
    const { problems } = await temp.engine.invoke('experiments.validate', { text: 'name: x\ntrain: [1, 2\n' })
    expect(problems).toHaveLength(1)
    expect(problems[0]).toMatchObject({ path: null, line: 3, column: 1, message: expect.stringMatching(/^not valid YAML: /) })
  })

  it('places a config problem at its key, suggesting the nearest known key, as the CLI does', async () => {
    const text = 'name: x\ntrain:\n  lr: 0.001\n  epocs: 2\nmodel:\n  adaptation:\n    mode: partial\n'
    expect((await temp.engine.invoke('experiments.validate', { text })).problems).toEqual([
      { message: 'train.epocs: unknown key "epocs"; did you mean "epochs"?', path: 'train.epocs', line: 4, column: 3 },
      { message: 'model.adaptation.mode: must be one of "full", "frozen", "prompt"', path: 'model.adaptation.mode', line: 7, column: 5 },
    ])
    const fixed = text.replace('epocs', 'epochs')
    expect((await temp.engine.invoke('experiments.validate', { text: fixed })).problems).toEqual([
      { message: 'model.adaptation.mode: must be one of "full", "frozen", "prompt"', path: 'model.adaptation.mode', line: 7, column: 5 },
    ])
  })

  it('finds a key a sweep variant set in that variant', async () => {
    const text = 'name: x\nsweep:\n  variants:\n    - name: a\n    - name: b\n      train:\n        epocs: 3\n'
    expect((await temp.engine.invoke('experiments.validate', { text })).problems).toEqual([
      { message: 'train.epocs: unknown key "epocs"; did you mean "epochs"?', path: 'train.epocs', line: 7, column: 9 },
    ])
  })
})

describe('experiments.save', () => {
  it('writes a valid file under the experiments folder, leaving no temporary file; it is then a launchable file', async () => {
    const entry = await temp.engine.invoke('experiments.save', { path: 'studies/lr.yaml', text: 'name: lr\ntrain:\n  epochs: 1\n' })
    const file = join(folder(), 'studies', 'lr.yaml')
    expect(entry).toEqual({ file, label: 'studies/lr.yaml', source: 'user', name: 'lr', description: '', runs: 1, error: null })
    expect(readFileSync(file, 'utf8')).toBe('name: lr\ntrain:\n  epochs: 1\n')
    expect(readdirSync(join(folder(), 'studies'))).toEqual(['lr.yaml'])
    expect((await temp.engine.invoke('experiments.files', {})).map((f) => f.file)).toContain(file)
    expect(await temp.engine.invoke('experiments.read', { file })).toEqual({ file, label: 'studies/lr.yaml', source: 'user', text: 'name: lr\ntrain:\n  epochs: 1\n' })
  })

  it('replaces an existing file only when asked to', async () => {
    await temp.engine.invoke('experiments.save', { path: 'a.yaml', text: 'name: a\n' })
    expect((await refusal('experiments.save', { path: 'a.yaml', text: 'name: b\n' })).message).toMatch(/a\.yaml exists already; choose another name, or save over it/)
    expect(readFileSync(join(folder(), 'a.yaml'), 'utf8')).toBe('name: a\n')
    await temp.engine.invoke('experiments.save', { path: 'a.yaml', text: 'name: b\n', overwrite: true })
    expect(readFileSync(join(folder(), 'a.yaml'), 'utf8')).toBe('name: b\n')
  })

  it('writes nothing that does not validate, and says where it fails', async () => {
    await temp.engine.invoke('experiments.save', { path: 'a.yaml', text: 'name: a\n' })
    const err = await refusal('experiments.save', { path: 'a.yaml', text: 'name: a\ntrain:\n  epocs: 2\n', overwrite: true })
    expect(err.code).toBe('invalid_input')
    expect(err.message).toBe('a.yaml was not saved: it does not validate (line 3, column 3: train.epocs: unknown key "epocs"; did you mean "epochs"?)')
    expect(readFileSync(join(folder(), 'a.yaml'), 'utf8')).toBe('name: a\n')
  })

  it('refuses paths outside the experiments folder, through a link, over a folder, and files over 1 MiB', async () => {
    for (const path of ['../stdd.yaml', '/etc/x.yaml', 'a/../../x.yaml', './x.yaml', 'x.txt', 'a\\..\\x.yaml']) {
      expect((await refusal('experiments.save', { path, text: 'name: a\n' })).code, path).toBe('invalid_input')
    }
    const outside = join(temp.dataDir, 'outside')
    mkdirSync(outside)
    mkdirSync(folder(), { recursive: true })
    symlinkSync(outside, join(folder(), 'link'))
    expect((await refusal('experiments.save', { path: 'link/x.yaml', text: 'name: a\n' })).message).toMatch(/leads outside .* \(a link\)/)
    expect((await refusal('experiments.save', { path: 'link/deeper/x.yaml', text: 'name: a\n' })).message).toMatch(/leads outside/)
    expect(existsSync(join(outside, 'x.yaml')) || existsSync(join(outside, 'deeper'))).toBe(false)
    mkdirSync(join(folder(), 'dir.yaml'))
    expect((await refusal('experiments.save', { path: 'dir.yaml', text: 'name: a\n', overwrite: true })).message).toMatch(/is not a regular file/)
    // Under the contract's character limit, over the byte limit: 400,000 three-byte characters in a comment.
    const big = `name: a\n# ${'€'.repeat(400_000)}\n`
    expect((await refusal('experiments.save', { path: 'big.yaml', text: big })).message).toMatch(/bytes is more than an experiment file may hold \(1048576\)/)
    expect(existsSync(join(folder(), 'big.yaml'))).toBe(false)
  })
})

describe('experiments.read', () => {
  it('reads a shipped suite with its place, and nothing outside the libraries', async () => {
    const shipped = await temp.engine.invoke('experiments.read', { file: 'experiments/smoke.yaml' })
    expect(shipped).toMatchObject({ file: resolve('experiments/smoke.yaml'), label: 'smoke.yaml', source: 'built-in' })
    expect(shipped.text).toBe(readFileSync('experiments/smoke.yaml', 'utf8'))
    writeFileSync(join(temp.dataDir, 'secret.yaml'), 'name: secret\n')
    expect((await refusal('experiments.read', { file: join(temp.dataDir, 'secret.yaml') })).message).toMatch(/only experiment files under .* can be launched from here/)
  })
})
