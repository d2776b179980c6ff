import { EventEmitter } from 'node:events'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { tempDir } from '../../../helpers/temp-dir'

// How the local executor starts a worker, in Electron (the engine runs in Electron's utility process, whose
// process.execPath is the Electron binary) and in plain Node (CLI, `stdd serve`). There is no Electron binary
// on the test machines, so child_process.fork is replaced by a recorder and `process.versions.electron` is set
// as Electron sets it; tests/main/engine/runs/local-worker.test.ts starts real worker processes under Node.

const forks: { modulePath: string; args: readonly string[]; options: Record<string, unknown> }[] = []
vi.mock('node:child_process', async (importOriginal) => ({
  ...(await importOriginal<typeof import('node:child_process')>()),
  fork: (modulePath: string, args: readonly string[], options: Record<string, unknown>) => {
    forks.push({ modulePath, args, options })
    const child = Object.assign(new EventEmitter(), { stderr: new EventEmitter(), exitCode: null, signalCode: null, connected: false, send: () => true, kill: () => true })
    setImmediate(() => child.emit('close', 0, null))
    return child
  },
}))

const { cliEntry, localWorkerLauncher } = await import('../../../../main/engine/runs/local-worker')

const entry = { script: '/opt/STDD Explorer/resources/app.asar/out/main/cli.js', execArgv: [] }

async function launchOnce(versionsElectron: string | undefined): Promise<(typeof forks)[number]> {
  if (versionsElectron) Object.defineProperty(process.versions, 'electron', { value: versionsElectron, configurable: true, enumerable: true })
  try {
    forks.length = 0
    const worker = localWorkerLauncher({ entry, backend: 'wasm', preferredBackend: () => 'webgpu' }).launch('/data/runs/7')
    await worker.exited
    expect(forks).toHaveLength(1)
    return forks[0]!
  } finally {
    delete (process.versions as { electron?: string }).electron
  }
}

describe('starting a local worker', () => {
  it('under Electron: the same fork of the CLI bundle, run by Electron’s own binary as Node (ELECTRON_RUN_AS_NODE=1)', async () => {
    const electron = await launchOnce('45.5.0')
    expect(electron.modulePath).toBe(entry.script)
    expect(electron.args).toEqual(['worker', '--run-dir', '/data/runs/7', '--backend', 'wasm', '--prefer-backend', 'webgpu'])
    expect(electron.options).toEqual({ execArgv: [], stdio: ['ignore', 'ignore', 'pipe', 'ipc'], env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } })
    // No execPath of its own: fork runs process.execPath, which in Electron's utility process is the Electron binary.
    expect(electron.options).not.toHaveProperty('execPath')
  })

  it('under Node: the very same call, without ELECTRON_RUN_AS_NODE', async () => {
    const electron = await launchOnce('45.5.0')
    const node = await launchOnce(undefined)
    expect(process.versions.electron).toBeUndefined()
    expect(node.options.env).toBe(process.env)
    expect(process.env.ELECTRON_RUN_AS_NODE).toBeUndefined()
    const { env: _e, ...electronRest } = electron.options
    const { env: _n, ...nodeRest } = node.options
    expect([node.modulePath, node.args, nodeRest]).toEqual([electron.modulePath, electron.args, electronRest])
  })
})

describe('the CLI bundle a worker runs', () => {
  let app: ReturnType<typeof tempDir>
  beforeEach(() => {
    app = tempDir('stdd-app-')
    mkdirSync(join(app.path, 'out', 'main', 'chunks'), { recursive: true })
    writeFileSync(join(app.path, 'out', 'main', 'cli.js'), '')
  })
  afterEach(() => app.remove())

  it('is out/main/cli.js beside the engine’s bundle, also from a shared chunk (the Electron build)', () => {
    const cli = join(app.path, 'out', 'main', 'cli.js')
    expect(cliEntry(pathToFileURL(join(app.path, 'out', 'main', 'engine-host.js')).href)).toEqual({ script: cli, execArgv: [] })
    expect(cliEntry(pathToFileURL(join(app.path, 'out', 'main', 'chunks', 'engine-abc.js')).href)).toEqual({ script: cli, execArgv: [] })
  })

  it('a build without it is refused, naming the folder and the fix', () => {
    expect(() => cliEntry(pathToFileURL(join(app.path, 'elsewhere', 'engine-host.js')).href)).toThrow(/the CLI bundle cli\.js \(which runs "stdd worker"\) is missing from .*elsewhere and its parent folder: rebuild \("npm run build"\)/)
  })
})
