import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { APP_PAGE_URL } from './app-protocol'

/**
 * What the desktop face loads. The developer overrides (`ELECTRON_RENDERER_URL` for the dev server,
 * `STDD_SQLITE_BINDING` for a native module) are honoured only in an unpackaged build: a packaged
 * app never loads a page or native code that an environment variable points at.
 */

export interface LaunchContext {
  isPackaged: boolean
  env: NodeJS.ProcessEnv
  /** The folder of the built main bundle (`out/main`). */
  mainDir: string
  /** `process.resourcesPath` of the packaged app. */
  resourcesPath: string
  exists?: (path: string) => boolean
}

export function pageUrl(ctx: LaunchContext): string {
  const dev = ctx.env.ELECTRON_RENDERER_URL
  return !ctx.isPackaged && dev ? dev : APP_PAGE_URL
}

export function rendererDir(ctx: LaunchContext): string {
  return join(ctx.mainDir, '..', 'renderer')
}

/** Electron cannot load the Node-ABI better-sqlite3 that tests use: packaging puts an Electron build here. */
export function sqliteBinding(ctx: LaunchContext): string | undefined {
  const exists = ctx.exists ?? existsSync
  const override = ctx.isPackaged ? undefined : ctx.env.STDD_SQLITE_BINDING
  const candidate = override ?? join(ctx.resourcesPath, 'native', 'better_sqlite3.node')
  return exists(candidate) ? candidate : undefined
}
