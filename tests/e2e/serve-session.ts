/**
 * What every end-to-end test does around its own steps: make sure the app is built, start `stdd serve`
 * on a data folder, open headless Chromium on a page that records console errors, and stop both
 * (useServeSession registers all of it as a test file's hooks).
 */
import { spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { chromium, type Browser, type Page } from 'playwright-core'
import { afterAll, beforeAll } from 'vitest'
import { spawnServe, type ServeInfo } from '../../main/cli/serve-child'
import { tempDir } from '../helpers/temp-dir'

const root = join(import.meta.dirname, '..', '..')
export const screenshots = join(root, 'test-results')
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

export interface ServeSession {
  serve: ChildProcess
  server: ServeInfo
  browser: Browser
  page: Page
  /** Console errors and uncaught page errors, in order. */
  consoleErrors: string[]
}

/** Builds the app (out/) when the build is missing; fails early, naming the fix, without Chromium. */
function ensureBuiltAndChromium(): void {
  if (!existsSync(chromiumPath)) throw new Error(`Chromium not found at ${chromiumPath}: apt-get install chromium fonts-liberation, or set CHROMIUM_PATH`)
  if (!existsSync(join(root, 'out', 'renderer', 'index.html')) || !existsSync(join(root, 'out', 'main', 'cli.js'))) {
    const build = spawnSync(process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], { cwd: root, encoding: 'utf8' })
    if (build.status !== 0) throw new Error(`build failed:\n${build.stderr}`)
  }
}

/** Starts `stdd serve` on `dataDir` (plus `args`) and a Chromium page of `viewport`. */
async function startServeSession(dataDir: string, args: string[], viewport: { width: number; height: number }): Promise<ServeSession> {
  const { serve, info: server } = await spawnServe(root, dataDir, args, 'inherit')
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  })
  const page = await browser.newPage({ viewport })
  const consoleErrors: string[] = []
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text())
  })
  page.on('pageerror', (e) => consoleErrors.push(e.message))
  return { serve, server, browser, page, consoleErrors }
}

/** Closes the browser and stops the server (SIGINT, as a user's Ctrl-C), waiting for it to exit. */
async function stopServeSession(session: ServeSession | undefined): Promise<void> {
  await session?.browser.close()
  const serve = session?.serve
  if (serve && serve.exitCode === null) {
    serve.kill('SIGINT')
    await new Promise((r) => serve.once('exit', r))
  }
}

/** Opens the app at its start address (with the token) and waits until the renderer says it is ready. */
export async function openApp(session: Pick<ServeSession, 'page' | 'server'>): Promise<void> {
  await session.page.goto(session.server.openUrl)
  await session.page.waitForFunction(() => (globalThis as { __stddReady?: boolean }).__stddReady === true, undefined, { timeout: 30_000 })
}

export interface ServeSessionOptions<S> {
  /** The temp data folder's name prefix. */
  tempPrefix: string
  /** Fills the data folder before the server starts; what it resolves to is the session's `seeded`. */
  seed: (dataDir: string) => Promise<S>
  /** `stdd serve`'s arguments besides the data folder. */
  args: string[]
  viewport: { width: number; height: number }
  /** A folder the screenshots go to, made in the hook. */
  screenshotDir: string
  /** Whether the hook opens the app (openApp); otherwise a test does. */
  openApp: boolean
  /** The set-up hook's time limit (seeding with the real engine takes minutes). */
  timeoutMs: number
}

/** The running session of a test file, read inside its tests and hooks. */
export interface ServeSessionAccess<S> {
  readonly page: Page
  readonly server: ServeInfo
  /** Console errors and uncaught page errors, in order. */
  readonly consoleErrors: string[]
  readonly seeded: S
}

/**
 * Registers a beforeAll that builds the app when needed, seeds a fresh temp data folder, starts `stdd serve` on it
 * with a Chromium page (and opens the app if asked), and an afterAll that stops both and removes the folder.
 */
export function useServeSession<S>(options: ServeSessionOptions<S>): ServeSessionAccess<S> {
  let dir: ReturnType<typeof tempDir> | undefined
  let session: ServeSession | undefined
  let seeded: S
  beforeAll(async () => {
    ensureBuiltAndChromium()
    dir = tempDir(options.tempPrefix)
    seeded = await options.seed(dir.path)
    session = await startServeSession(dir.path, options.args, options.viewport)
    mkdirSync(options.screenshotDir, { recursive: true })
    if (options.openApp) await openApp(session)
  }, options.timeoutMs)
  afterAll(async () => {
    await stopServeSession(session)
    dir?.remove()
  })
  const started = (): ServeSession => {
    if (!session) throw new Error('useServeSession: the session is there only once its beforeAll has run')
    return session
  }
  return {
    get page() {
      return started().page
    },
    get server() {
      return started().server
    },
    get consoleErrors() {
      return started().consoleErrors
    },
    get seeded() {
      started()
      return seeded
    },
  }
}
