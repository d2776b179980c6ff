import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ContractError, MAX_INPUT_DEPTH } from '../../../contract'
import { Engine } from '../../../main/engine/engine'
import { tempDir } from '../../helpers/temp-dir'

/** Commands sent as a hostile or careless caller would (issue 19: F2, F12, F16). */

let dir: ReturnType<typeof tempDir>
let engine: Engine

beforeAll(async () => {
  dir = tempDir()
  mkdirSync(join(dir.path, 'experiments'), { recursive: true })
  writeFileSync(join(dir.path, 'experiments', 'pp.yaml'), 'name: pp\nsweep:\n  grid:\n    __proto__.polluted: [yes]\n')
  engine = await Engine.start({ dataDir: dir.path, withoutTf: true })
})
afterAll(() => {
  engine.close()
  dir.remove()
})

async function refusal(command: string, input: unknown): Promise<ContractError> {
  try {
    await engine.invoke(command, input)
  } catch (err) {
    expect(err).toBeInstanceOf(ContractError)
    return err as ContractError
  }
  throw new Error(`${command} was expected to refuse this input`)
}

const nested = (levels: number): unknown => {
  let value: unknown = 1
  for (let i = 0; i < levels; i++) value = [value]
  return value
}

describe('prototype pollution (F2)', () => {
  it('a __proto__ override or a listed file with a __proto__ grid key is refused, and every command still works', async () => {
    const err = await refusal('runs.launch', { yaml: 'name: pp\n', overrides: { '__proto__.polluted': 'yes' } })
    expect(err.code).toBe('invalid_input')
    expect(err.message).toContain('"__proto__" is not allowed')
    const files = await engine.invoke('experiments.files', {})
    expect(files.find((f) => f.label === 'pp.yaml')?.error).toContain('"__proto__" is not allowed')
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    await expect(engine.invoke('app.info', {})).resolves.toMatchObject({ dataDir: dir.path })
  })
})

describe('deeply nested input (F12)', () => {
  it('5,000 levels are refused as invalid input naming the limit, not a stack overflow', async () => {
    for (const [command, input] of [['app.info', nested(5000)], ['experiments.create', { name: 'x', description: nested(5000) }], ['runs.launch', { yaml: 'name: x\n', overrides: { seed: nested(5000) } }]] as const) {
      const err = await refusal(command, input)
      expect(err.code).toBe('invalid_input')
      expect(err.message).toBe(`${command}: the input nests more than ${MAX_INPUT_DEPTH} levels of arrays or objects; no command takes that`)
    }
  })
})

describe('names (F16)', () => {
  it.each([
    ['a NUL', 'a\u0000b', /control characters/],
    ['an escape sequence', 'x\u001b[31mred', /control characters/],
    ['a newline', 'two\nlines', /control characters/],
    ['a C1 control', 'a\u0085b', /control characters/],
    ['a lone high surrogate', 'a\ud800b', /unpaired UTF-16 surrogates/],
    ['a lone low surrogate', '\udc00', /unpaired UTF-16 surrogates/],
  ])('experiments.create refuses a name with %s', async (_what, name, reason) => {
    const err = await refusal('experiments.create', { name })
    expect(err.code).toBe('invalid_input')
    expect(err.issues?.[0]).toMatchObject({ path: 'name', message: expect.stringMatching(reason) as unknown })
  })

  it('accepts printable Unicode names and a multi-line description', async () => {
    await expect(engine.invoke('experiments.create', { name: 'Größe 😀 中文', description: 'line 1\n\tline 2' })).resolves.toMatchObject({ name: 'Größe 😀 中文' })
  })
})
