import { mkdirSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tempDir } from '../../../helpers/temp-dir'
import config from '../../../../electron.vite.config'
import { createClipLoader, dataWorkersFromEnv } from '../../../../main/engine/data/clip-workers/create'
import { inThreadLoader } from '../../../../main/engine/data/clip-workers/loader'
import { BUILT_WORKER_FILE, clipWorkerEntry } from '../../../../main/engine/data/clip-workers/locate'
import { ClipWorkerPool } from '../../../../main/engine/data/clip-workers/pool'
import { rngFromState, seededRng } from '../../../../main/engine/util/random'

const repo = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../..')
const sources = join(repo, 'main/engine/data/clip-workers')

let dir: ReturnType<typeof tempDir>
beforeAll(() => {
  dir = tempDir('stdd-clip-worker-locate-')
})
afterAll(() => dir.remove())

describe('where the clip worker is', () => {
  it('is the TypeScript entry, through the tsx bootstrap, when the code runs from sources', () => {
    const entry = clipWorkerEntry(pathToFileURL(join(sources, 'locate.ts')).href)
    expect(fileURLToPath(entry.script)).toBe(join(sources, 'tsx-bootstrap.mjs'))
    expect(entry.workerData).toEqual({ entry: pathToFileURL(join(sources, 'entry.ts')).href })
    // and that is what this test run uses by default
    expect(clipWorkerEntry()).toEqual(entry)
  })

  it('is clip-worker.js beside the bundles, seen from a bundle or from a shared chunk', () => {
    const main = join(dir.path, 'out', 'main')
    mkdirSync(join(main, 'chunks'), { recursive: true })
    expect(() => clipWorkerEntry(pathToFileURL(join(main, 'cli.js')).href)).toThrow(/clip-worker\.js is missing from .*out\/main and its parent folder: rebuild/)
    writeFileSync(join(main, BUILT_WORKER_FILE), '')
    for (const from of [join(main, 'cli.js'), join(main, 'chunks', 'pool-1a2b.js')]) {
      const entry = clipWorkerEntry(pathToFileURL(from).href)
      expect(fileURLToPath(entry.script)).toBe(join(main, 'clip-worker.js'))
      expect(entry.workerData).toBeUndefined()
    }
  })

  it('is built by electron-vite as the main input "clip-worker"', () => {
    const input = (config as { main: { build: { rollupOptions: { input: Record<string, string> } } } }).main.build.rollupOptions.input
    expect(`${Object.keys(input).find((k) => input[k] === join(sources, 'entry.ts'))}.js`).toBe(BUILT_WORKER_FILE)
  })
})

describe('choosing the clip loader', () => {
  it('reads STDD_DATA_WORKERS: unset → null, a count, or an error for anything else', () => {
    expect(dataWorkersFromEnv({})).toBeNull()
    expect(dataWorkersFromEnv({ STDD_DATA_WORKERS: ' ' })).toBeNull()
    expect(dataWorkersFromEnv({ STDD_DATA_WORKERS: '0' })).toBe(0)
    expect(dataWorkersFromEnv({ STDD_DATA_WORKERS: '3' })).toBe(3)
    for (const bad of ['-1', '1.5', 'two', '65']) expect(() => dataWorkersFromEnv({ STDD_DATA_WORKERS: bad })).toThrow(/STDD_DATA_WORKERS must be an integer from 0 to 64/)
  })

  it('is the in-thread path for 0 workers, else a pool of that many (1 by default)', async () => {
    expect(createClipLoader({ workers: 0 })).toBe(inThreadLoader)
    const two = createClipLoader({ workers: 2 })
    expect(two).toBeInstanceOf(ClipWorkerPool)
    expect(two.workers).toBe(2)
    const saved = process.env.STDD_DATA_WORKERS
    delete process.env.STDD_DATA_WORKERS
    try {
      const byDefault = createClipLoader()
      expect(byDefault.workers).toBe(1)
      await byDefault.close()
    } finally {
      if (saved !== undefined) process.env.STDD_DATA_WORKERS = saved
    }
    // workers start on first use only: closing an unused pool has nothing to stop
    expect((two as ClipWorkerPool).liveThreads).toBe(0)
    await two.close()
    expect(() => new ClipWorkerPool({ workers: 0 })).toThrow(RangeError)
  })
})

describe('the state of a seeded generator', () => {
  it('continues the same sequence elsewhere, and can be rewound', () => {
    const a = seededRng(12345n)
    for (let i = 0; i < 700; i++) a.random() // past one 624-word refill
    const state = a.getState()
    const b = rngFromState(state)
    const next = Array.from({ length: 5 }, () => a.random())
    expect(Array.from({ length: 5 }, () => b.random())).toEqual(next)
    a.setState(state)
    expect(a.random()).toBe(next[0])
    expect(() => a.setState({ words: new Uint32Array(3), index: 0 })).toThrow(RangeError)
  })
})
