import { describe, expect, it } from 'vitest'
import { pageUrl, sqliteBinding, type LaunchContext } from '../../../main/electron/launch-config'

const base = (over: Partial<LaunchContext>): LaunchContext => ({
  isPackaged: false,
  env: { ELECTRON_RENDERER_URL: 'http://localhost:5173/', STDD_SQLITE_BINDING: '/home/dev/better_sqlite3.node' },
  mainDir: '/app/out/main',
  resourcesPath: '/app/resources',
  exists: () => true,
  ...over,
})

describe('what the desktop face loads', () => {
  it('honours the developer overrides only when not packaged', () => {
    expect(pageUrl(base({}))).toBe('http://localhost:5173/')
    expect(sqliteBinding(base({}))).toBe('/home/dev/better_sqlite3.node')
    expect(pageUrl(base({ isPackaged: true }))).toBe('app://stdd/index.html')
    expect(sqliteBinding(base({ isPackaged: true }))).toBe('/app/resources/native/better_sqlite3.node')
  })

  it('loads app:// without a dev server, and no binding when none is shipped', () => {
    expect(pageUrl(base({ env: {} }))).toBe('app://stdd/index.html')
    expect(sqliteBinding(base({ env: {}, exists: () => false }))).toBeUndefined()
  })
})
