import { afterEach, beforeEach } from 'vitest'
import { Engine } from '../../main/engine/engine'
import { tempDir } from './temp-dir'

/** The engine of the running test and its data folder. */
export interface TempEngine {
  readonly engine: Engine
  readonly dataDir: string
}

/**
 * Registers a beforeEach that starts an engine without tfjs on a fresh temp data folder, and an afterEach that closes
 * it and removes the folder. Call it at a test file's top level; read `engine` and `dataDir` inside tests and hooks.
 */
export function useTempEngine(): TempEngine {
  let dir: ReturnType<typeof tempDir>
  let engine: Engine
  beforeEach(async () => {
    dir = tempDir()
    engine = await Engine.start({ dataDir: dir.path, withoutTf: true })
  })
  afterEach(() => {
    engine.close()
    dir.remove()
  })
  return {
    get engine() {
      return engine
    },
    get dataDir() {
      return dir.path
    },
  }
}
