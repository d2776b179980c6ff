import { spawn, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import type { RunningServer } from '../server/http-server'

/** What `stdd serve --json` prints on its first line (commands/serve.ts). */
export type ServeInfo = Pick<RunningServer, 'url' | 'openUrl' | 'token' | 'port'>

/**
 * Starts the built CLI under `root` as `stdd serve --json --data-dir DIR …args` in a child process
 * and waits (60 s at most) for the line it prints once listening: the UI bench and the end-to-end
 * tests drive the explorer this way.
 */
export async function spawnServe(root: string, dataDir: string, args: string[], stderr: 'ignore' | 'inherit'): Promise<{ serve: ChildProcess; info: ServeInfo }> {
  const serve = spawn(process.execPath, [join(root, 'bin', 'stdd.mjs'), 'serve', '--json', '--data-dir', dataDir, ...args], { cwd: root, stdio: ['ignore', 'pipe', stderr] })
  const line = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('stdd serve printed nothing within 60 s')), 60_000)
    serve.once('exit', (code) => reject(new Error(`stdd serve exited with ${code}`)))
    createInterface({ input: serve.stdout! }).once('line', (l) => {
      clearTimeout(timer)
      resolve(l)
    })
  })
  return { serve, info: JSON.parse(line) as ServeInfo }
}
