import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ContractError } from '../../../contract'
import type { EngineConnection } from '../../../main/engine/connection'
import { startServer, type RunningServer } from '../../../main/server/http-server'
import { artifactRouteId } from '../../../main/server/artifact-route'
import { tempDir } from '../../helpers/temp-dir'

/** A PNG header and some bytes that are not valid UTF-8: they must arrive unchanged. */
const BYTES = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0xff, 0xfe, 0x00, 0x80])

let dir: ReturnType<typeof tempDir>
let server: RunningServer
const asked: unknown[] = []

const engine: EngineConnection = {
  invoke: async (command, input) => {
    asked.push({ command, input })
    const { id } = input as { id: number }
    if (command !== 'artifacts.read') throw new ContractError('unknown_command', command)
    if (id !== 7) throw new ContractError('not_found', `artifact ${id} does not exist`)
    return { mime: 'image/png', base64: BYTES.toString('base64') }
  },
  onEvent: () => () => undefined,
  close: async () => undefined,
}

beforeAll(async () => {
  dir = tempDir()
  mkdirSync(join(dir.path, 'ui'))
  writeFileSync(join(dir.path, 'ui', 'index.html'), '<!doctype html>')
  server = await startServer({ engine, rendererDir: join(dir.path, 'ui') })
})
afterAll(async () => {
  await server.close()
  dir.remove()
})

const auth = () => ({ Authorization: `Bearer ${server.token}` })

describe('GET /api/artifacts/<id>', () => {
  it('parses only its own paths', () => {
    expect(artifactRouteId('/api/artifacts/12')).toBe(12)
    expect([artifactRouteId('/api/artifacts/'), artifactRouteId('/api/artifacts/1/x'), artifactRouteId('/api/artifacts/-1')]).toEqual([null, null, null])
  })

  it('serves the artifact’s bytes unchanged, with its type', async () => {
    const r = await fetch(`${server.url}api/artifacts/7`, { headers: auth() })
    expect(r.status).toBe(200)
    expect(r.headers.get('content-type')).toBe('image/png')
    expect(Buffer.from(await r.arrayBuffer())).toEqual(BYTES)
    expect(asked.at(-1)).toEqual({ command: 'artifacts.read', input: { id: 7 } })
  })

  it('refuses a request without the token, before asking the engine', async () => {
    const before = asked.length
    expect((await fetch(`${server.url}api/artifacts/7`)).status).toBe(401)
    expect(asked.length).toBe(before)
  })

  it('answers 404 with the engine’s message for an unknown artifact, 405 for other methods', async () => {
    const missing = await fetch(`${server.url}api/artifacts/8`, { headers: auth() })
    expect(missing.status).toBe(404)
    expect(await missing.text()).toContain('artifact 8 does not exist')
    expect((await fetch(`${server.url}api/artifacts/7`, { method: 'POST', headers: auth() })).status).toBe(405)
  })
})
