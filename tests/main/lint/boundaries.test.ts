import { resolve } from 'node:path'
import { ESLint } from 'eslint'
import { beforeAll, describe, expect, it } from 'vitest'

/**
 * The lint rules that keep the boundaries of docs/architecture.md: a violation of each, planted in a
 * file where it is forbidden, fails eslint; the same code where it is allowed does not.
 */

const ROOT = resolve(import.meta.dirname, '../../..')
let eslint: ESLint

beforeAll(() => {
  eslint = new ESLint({ cwd: ROOT })
})

/** The rule ids eslint reports for `code` as the file at `path` (relative to the repository). */
async function violations(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: resolve(ROOT, path) })
  return (result?.messages ?? []).map((m) => m.ruleId ?? m.message)
}

const SQL = "import type { Db } from './db'\nexport const count = (db: Db): unknown => db.prepare('SELECT COUNT(*) FROM runs').get()\n"

describe('boundary lint rules', () => {
  it('SQL only in main/engine/store/', async () => {
    expect(await violations('main/engine/runs/planted.ts', SQL)).toEqual(['no-restricted-syntax'])
    expect(await violations('main/engine/handlers/planted.ts', SQL)).toEqual(['no-restricted-syntax'])
    expect(await violations('main/engine/store/planted.ts', SQL)).toEqual([])
  }, 60_000)

  it('Electron main and main/electron/** import only the engine connection modules (and types)', async () => {
    const tf = "import { selectBackend } from '../engine/tf/backend'\nexport const start = selectBackend\n"
    expect(await violations('main/electron/planted.ts', tf)).toEqual(['@typescript-eslint/no-restricted-imports'])
    expect(await violations('main/index.ts', "import { selectBackend } from './engine/tf/backend'\nexport const start = selectBackend\n")).toEqual(['@typescript-eslint/no-restricted-imports'])
    const allowed = "import { HostLink } from '../engine/host-link'\nimport type { EngineConnection } from '../engine/connection'\nimport type { EngineOptions } from '../engine/engine'\nexport type Used = [HostLink, EngineConnection, EngineOptions]\n"
    expect(await violations('main/electron/planted.ts', allowed)).toEqual([])
  }, 60_000)

  it('renderer components and views never import the bridge; stores do', async () => {
    const bridge = "import { invoke } from '../api/bridge'\nexport const call = invoke\n"
    expect(await violations('renderer/components/Planted.ts', "import { invoke } from '../../api/bridge'\nexport const call = invoke\n")).toEqual(['no-restricted-imports'])
    expect(await violations('renderer/views/Planted.ts', bridge)).toEqual(['no-restricted-imports'])
    expect(await violations('renderer/stores/planted.ts', bridge)).toEqual([])
    // The renderer's own rule still holds in components.
    expect(await violations('renderer/components/Planted.ts', "import { readFileSync } from 'node:fs'\nexport const read = readFileSync\n")).toEqual(['no-restricted-imports'])
  }, 60_000)
})
