/**
 * What every end-to-end test does around its own steps: make sure the app is built, start `stdd serve`
 * on a data folder, open headless Chromium on a page that records console errors, and stop both.
 */
import { spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { chromium, type Browser, type Page } from 'playwright-core'
import { spawnServe, type ServeInfo } from '../../main/cli/serve-child'

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
export function ensureBuiltAndChromium(): void {
  if (!existsSync(chromiumPath)) throw new Error(`Chromium not found at ${chromiumPath}: apt-get install chromium fonts-liberation, or set CHROMIUM_PATH`)
  if (!existsSync(join(root, 'out', 'renderer', 'index.html')) || !existsSync(join(root, 'out', 'main', 'cli.js'))) {
    const build = spawnSync(process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], { cwd: root, encoding: 'utf8' })
    if (build.status !== 0) throw new Error(`build failed:\n${build.stderr}`)
  }
}

/** Starts `stdd serve` on `dataDir` (plus `args`) and a Chromium page of `viewport`. */
export async function startServeSession(dataDir: string, args: string[], viewport: { width: number; height: number }): Promise<ServeSession> {
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
export async function stopServeSession(session: ServeSession | undefined): Promise<void> {
  await session?.browser.close()
  const serve = session?.serve
  if (serve && serve.exitCode === null) {
    serve.kill('SIGINT')
    await new Promise((r) => serve.once('exit', r))
  }
}
