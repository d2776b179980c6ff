import { execFileSync } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { startDaemon, waitFor, type Daemon } from './daemon'

export interface MariaDb {
  port: number
  user: string
  password: string
  daemon: Daemon
}

/** A throw-away MariaDB on 127.0.0.1:`port` with its data under `dir`, and a user for slurmdbd. */
export async function startMariaDb(dir: string, port: number): Promise<MariaDb> {
  const data = join(dir, 'mysql')
  const socket = join(dir, 'mysql.sock')
  mkdirSync(data, { recursive: true })
  execFileSync('mariadb-install-db', ['--no-defaults', `--datadir=${data}`, '--user=root', '--auth-root-authentication-method=normal', '--skip-test-db'], { stdio: 'ignore' })
  const daemon = startDaemon(
    'mariadbd',
    'mariadbd',
    ['--no-defaults', `--datadir=${data}`, `--socket=${socket}`, `--port=${port}`, '--bind-address=127.0.0.1', '--skip-name-resolve', '--user=root', `--pid-file=${join(dir, 'mariadb.pid')}`],
    join(dir, 'mariadb.log'),
  )
  const sql = (statement: string): void => {
    execFileSync('mariadb', ['--no-defaults', `--socket=${socket}`, '-u', 'root', '-e', statement], { stdio: 'pipe' })
  }
  await waitFor(
    () => {
      if (daemon.exited()) throw new Error(`mariadbd stopped (${daemon.exited()}); see ${join(dir, 'mariadb.log')}`)
      try {
        sql('SELECT 1')
        return true
      } catch {
        return null
      }
    },
    60_000,
    () => `MariaDB did not accept connections on ${socket}; see ${join(dir, 'mariadb.log')}`,
  )
  const user = 'slurm'
  const password = 'stdd-test'
  sql(`CREATE USER '${user}'@'127.0.0.1' IDENTIFIED BY '${password}'; GRANT ALL ON slurm_acct_db.* TO '${user}'@'127.0.0.1';`)
  return { port, user, password, daemon }
}
