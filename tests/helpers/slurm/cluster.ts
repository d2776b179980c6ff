import { execFileSync, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus, hostname } from 'node:os'
import { join } from 'node:path'
import { tempDir } from '../temp-dir'
import { startDaemon, waitFor, type Daemon } from './daemon'
import { startMariaDb } from './mariadb'
import { HIGH_PARTITION, LOW_PARTITION, slurmConf, slurmdbdConf } from './slurm-conf'

export { HIGH_PARTITION, LOW_PARTITION }

/** A real single-node Slurm started by a test (docs/slurm.md §1), with the environment its commands need. */
export interface SlurmCluster {
  dir: string
  clusterName: string
  nodeName: string
  confPath: string
  accounting: boolean
  /** `process.env` plus SLURM_CONF: pass it to sbatch, squeue, … */
  env: NodeJS.ProcessEnv
  /** Runs a Slurm client command against this cluster and returns its stdout (throws on a non-zero exit). */
  command(name: string, args: string[]): string
  /** The tail of every daemon's log, for a failing test's message. */
  logs(): string
  /** Cancels what is left in the queue, then stops every daemon by its recorded pid (TERM, then KILL). */
  stop(): Promise<void>
}

/** The Debian packages a test cluster needs (installed by `.ci/run`); null when all are there. */
export function missingSlurmPackages(accounting = false): string | null {
  const tools = ['munged', 'slurmctld', 'slurmd', 'sbatch', ...(accounting ? ['slurmdbd', 'mariadbd', 'mariadb-install-db'] : [])]
  const missing = tools.filter((t) => spawnSync('sh', ['-c', `command -v ${t}`], { stdio: 'ignore' }).status !== 0)
  if (missing.length) return `not installed: ${missing.join(', ')} (apt-get install slurmctld slurmd slurm-client munge${accounting ? ' slurmdbd slurm-wlm-mysql-plugin mariadb-server' : ''})`
  if (process.getuid?.() !== 0) return 'the test cluster runs its daemons as root'
  return null
}

const MUNGE_SOCKET_DIR = '/run/munge'

function tail(file: string, lines = 15): string {
  if (!existsSync(file)) return `${file}: (none)`
  return `${file}:\n${readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n')}`
}

/**
 * Starts munged, (MariaDB and slurmdbd,) slurmctld and slurmd as background processes with
 * everything under a fresh temporary folder, and waits until the node is idle (≈ 1–2 s, + ≈ 10 s
 * with accounting).
 */
export async function startSlurmCluster(options: { accounting?: boolean } = {}): Promise<SlurmCluster> {
  const accounting = options.accounting ?? false
  const tmp = tempDir('stdd-slurm-')
  const dir = tmp.path
  chmodSync(dir, 0o755)
  for (const sub of ['state', 'spool']) mkdirSync(join(dir, sub))
  const nodeName = hostname().split('.')[0]!
  const clusterName = `stdd${randomBytes(3).toString('hex')}`
  const confPath = join(dir, 'slurm.conf')
  const env = { ...process.env, SLURM_CONF: confPath }
  const daemons: Daemon[] = []
  const logFiles: string[] = []
  const start = (name: string, command: string, args: string[]): Daemon => {
    const log = join(dir, `${name}.out`)
    logFiles.push(log)
    const d = startDaemon(name, command, args, log, env)
    daemons.push(d)
    return d
  }
  const logs = (): string => [...logFiles, ...['slurmctld.log', 'slurmd.log', 'slurmdbd.log', 'munged.log'].map((f) => join(dir, f))].map((f) => tail(f)).join('\n')
  // In the cluster's folder: a job submitted from here writes its slurm-N.out there, not into the checkout.
  const command = (name: string, args: string[]): string => execFileSync(name, args, { cwd: dir, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 })

  const stop = async (): Promise<void> => {
    try {
      const ids = command('squeue', ['-h', '-o', '%A']).split('\n').filter(Boolean)
      if (ids.length) command('scancel', [...new Set(ids)])
    } catch {
      // slurmctld is already gone
    }
    // Reverse order: slurmd before slurmctld (slurmd can ignore TERM once slurmctld is gone), munged last.
    for (const d of [...daemons].reverse()) await d.stop()
    tmp.remove()
  }

  try {
    mkdirSync(MUNGE_SOCKET_DIR, { recursive: true, mode: 0o755 })
    const mungeAnswers = (): boolean => spawnSync('sh', ['-c', 'munge -n | unmunge'], { stdio: 'ignore', timeout: 10_000 }).status === 0
    // A munged already on the default socket (the package's service, started by its install) serves us as
    // well: every daemon here only needs the same one. Otherwise start one with a fresh key. The default
    // socket either way: the slurmctld → slurmdbd connection ignores any other (docs/slurm.md §3, trap 4).
    if (!mungeAnswers()) {
      const key = join(dir, 'munge.key')
      writeFileSync(key, randomBytes(1024), { mode: 0o400 })
      const munged = start('munged', 'munged', ['-F', '--force', `--key-file=${key}`, `--pid-file=${join(dir, 'munged.pid')}`, `--log-file=${join(dir, 'munged.log')}`, `--seed-file=${join(dir, 'munged.seed')}`])
      await waitFor(
        () => {
          if (munged.exited()) throw new Error(`munged stopped (${munged.exited()}):\n${logs()}`)
          return mungeAnswers() ? true : null
        },
        20_000,
        () => `munged did not answer on ${MUNGE_SOCKET_DIR}/munge.socket.2`,
      )
    }
    const dbdPort = accounting ? 6819 : null
    // sacctmgr finds slurmdbd through slurm.conf: write it first.
    writeFileSync(confPath, slurmConf({ dir, clusterName, nodeName, cpus: cpus().length, dbdPort, ctldPort: 6817, slurmdPort: 6818 }))
    if (dbdPort !== null) {
      const db = await startMariaDb(dir, 3307)
      daemons.push(db.daemon)
      logFiles.push(join(dir, 'mariadb.log'))
      const dbdConf = join(dir, 'slurmdbd.conf')
      writeFileSync(dbdConf, slurmdbdConf({ dir, dbdPort, mysqlPort: db.port, mysqlUser: db.user, mysqlPassword: db.password }), { mode: 0o600 })
      const slurmdbd = start('slurmdbd', 'slurmdbd', ['-D'])
      await waitFor(
        () => {
          if (slurmdbd.exited()) throw new Error(`slurmdbd stopped (${slurmdbd.exited()}):\n${logs()}`)
          return spawnSync('sacctmgr', ['-n', 'show', 'cluster'], { env, stdio: 'ignore', timeout: 10_000 }).status === 0 ? true : null
        },
        60_000,
        () => `slurmdbd did not answer:\n${logs()}`,
      )
      command('sacctmgr', ['-i', 'add', 'cluster', clusterName])
    }
    const ctld = start('slurmctld', 'slurmctld', ['-D', '-c'])
    const slurmd = start('slurmd', 'slurmd', ['-D'])
    await waitFor(
      () => {
        for (const d of [ctld, slurmd]) if (d.exited()) throw new Error(`${d.name} stopped (${d.exited()}):\n${logs()}`)
        const r = spawnSync('sinfo', ['-h', '-N', '-o', '%t'], { env, encoding: 'utf8', timeout: 10_000 })
        return r.status === 0 && r.stdout.trim().split('\n').every((s) => s === 'idle') && r.stdout.trim() ? true : null
      },
      60_000,
      () => `the node did not become idle:\n${logs()}`,
    )
  } catch (err) {
    await stop()
    throw err
  }
  return { dir, clusterName, nodeName, confPath, accounting, env, command, logs, stop }
}
