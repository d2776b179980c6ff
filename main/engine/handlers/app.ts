import { createRequire } from 'node:module'
import { hostname } from 'node:os'
import type { AppInfo } from '../../../contract'
import type { EngineContext } from '../engine'
import { databasePath } from '../paths'
import { schemaVersion } from '../store/migrations'
import { findFfmpeg } from '../system/ffmpeg'
import { activeBackend } from '../tf/backend'
import { APP_VERSION } from '../version'

const requireHere = createRequire(import.meta.url)

function packageVersion(name: string): string | null {
  try {
    return (requireHere(`${name}/package.json`) as { version: string }).version
  } catch {
    return null
  }
}

export function appInfo(ctx: EngineContext): AppInfo {
  const versions: Record<string, string> = { node: process.versions.node }
  if (process.versions.electron) versions.electron = process.versions.electron
  for (const pkg of ['@tensorflow/tfjs', 'better-sqlite3']) {
    const v = packageVersion(pkg)
    if (v) versions[pkg] = v
  }
  versions.sqlite = (ctx.db.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v
  return {
    appVersion: APP_VERSION,
    backend: activeBackend(),
    versions,
    dataDir: ctx.dataDir,
    databasePath: databasePath(ctx.dataDir),
    schemaVersion: schemaVersion(ctx.db),
    ffmpeg: findFfmpeg(),
    host: hostname(),
    platform: `${process.platform}-${process.arch}`,
  }
}
