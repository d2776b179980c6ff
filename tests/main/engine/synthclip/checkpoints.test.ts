import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, isAbsolute, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { defaultSynthClipDir, resolveCheckpoint } from '../../../../main/engine/synthclip/checkpoints'
import { tempDir } from '../../../helpers/temp-dir'

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..')

describe('resolveCheckpoint', () => {
  const tmp = tempDir('synthclip-ckpt-')
  afterAll(() => tmp.remove())

  it('finds the shipped SynthCLIP from the source tree', () => {
    const dir = resolveCheckpoint('builtin:synth-clip')
    expect(isAbsolute(dir)).toBe(true)
    expect(dir).toBe(join(repoRoot, 'resources', 'models', 'synth-clip'))
    expect(defaultSynthClipDir()).toBe(dir)
  })

  it('finds it from where the built app runs (out/main/chunks)', () => {
    expect(resolveCheckpoint('builtin:synth-clip', join(repoRoot, 'out', 'main', 'chunks'))).toBe(join(repoRoot, 'resources', 'models', 'synth-clip'))
  })

  it('walks up from any module location to the nearest resources/models', () => {
    const model = join(tmp.path, 'app', 'resources', 'models', 'synth-clip')
    mkdirSync(model, { recursive: true })
    const deep = join(tmp.path, 'app', 'out', 'main')
    mkdirSync(deep, { recursive: true })
    expect(() => resolveCheckpoint('builtin:synth-clip', deep)).toThrow(/builtin:synth-clip.*missing.*config\.json.*stdd synth pretrain-clip/)
    writeFileSync(join(model, 'config.json'), '{}')
    expect(resolveCheckpoint('builtin:synth-clip', deep)).toBe(model)
  })

  it('names the string when there is no resources folder at all', () => {
    expect(() => resolveCheckpoint('builtin:synth-clip', '/')).toThrow(/builtin:synth-clip/)
  })

  it('rejects unknown built-in names, listing the known ones', () => {
    expect(() => resolveCheckpoint('builtin:nope')).toThrow(/"builtin:nope".*builtin:synth-clip/)
  })

  it('passes folder paths through, absolute, checking for config.json', () => {
    const folder = join(tmp.path, 'my-clip')
    mkdirSync(folder)
    expect(() => resolveCheckpoint(folder)).toThrow(new RegExp(`"${folder}".*no config\\.json`))
    writeFileSync(join(folder, 'config.json'), '{}')
    expect(resolveCheckpoint(folder)).toBe(folder)
    expect(() => resolveCheckpoint(join(tmp.path, 'missing'))).toThrow(/missing.*no such folder/)
    expect(() => resolveCheckpoint('')).toThrow(/empty/)
  })
})
