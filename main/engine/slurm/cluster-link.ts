import { execFile } from 'node:child_process'
import { closeSync, existsSync, mkdirSync, openSync, readSync, statSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import type { ClusterProfile } from '../../../contract'

export interface CommandResult {
  code: number
  stdout: string
  stderr: string
}

/**
 * Where a profile's Slurm commands run and its run folders live: this machine (the login-node
 * case), or a host reached through the system `ssh` (its own config and keys; the app stores none).
 */
export interface ClusterLink {
  /** Runs `argv` there; never throws for a non-zero exit (see `code`). */
  run(argv: string[], input?: string): Promise<CommandResult>
  /** How `argv` is run, for messages: `sinfo …` or `ssh login1 -- sinfo …`. */
  describe(argv: string[]): string
  /** The bytes of `path` from `offset` on (empty when the file is missing or not longer). */
  readFrom(path: string, offset: number): Promise<Buffer>
  writeFile(path: string, text: string): Promise<void>
}

const COMMAND_TIMEOUT_MS = 60_000
const MAX_OUTPUT = 64 * 1024 * 1024

/** Quotes one word for a POSIX shell. */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`
}

function exec(file: string, args: string[], env: NodeJS.ProcessEnv, input?: string): Promise<CommandResult> {
  return new Promise((resolve) => {
    const child = execFile(file, args, { env, timeout: COMMAND_TIMEOUT_MS, maxBuffer: MAX_OUTPUT, encoding: 'buffer' }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 127) : 0
      const spawnProblem = err && typeof (err as { code?: unknown }).code === 'string' ? `${file}: ${err.message}` : ''
      resolve({ code, stdout: stdout.toString('utf8'), stderr: stderr.toString('utf8') + spawnProblem })
    })
    // A command that exits without reading its input closes the pipe: that is not an error here.
    child.stdin?.on('error', () => undefined)
    child.stdin?.end(input ?? '')
  })
}

function localLink(profile: ClusterProfile): ClusterLink {
  const env = profile.slurmConf ? { ...process.env, SLURM_CONF: profile.slurmConf } : process.env
  return {
    run: (argv, input) => exec(argv[0]!, argv.slice(1), env, input),
    describe: (argv) => argv.map(shellQuote).join(' '),
    async readFrom(path, offset) {
      if (!existsSync(path)) return Buffer.alloc(0)
      const size = statSync(path).size
      if (size <= offset) return Buffer.alloc(0)
      const fd = openSync(path, 'r')
      try {
        const buf = Buffer.alloc(size - offset)
        const n = readSync(fd, buf, 0, buf.length, offset)
        return buf.subarray(0, n)
      } finally {
        closeSync(fd)
      }
    },
    async writeFile(path, text) {
      mkdirSync(dirname(path), { recursive: true })
      writeFileSync(path, text)
    },
  }
}

function sshLink(profile: ClusterProfile, host: string): ClusterLink {
  const base = [...profile.sshOptions, '-o', 'BatchMode=yes', host, '--']
  const remote = (argv: string[]): string => (profile.slurmConf ? `SLURM_CONF=${shellQuote(profile.slurmConf)} ` : '') + argv.map(shellQuote).join(' ')
  const sh = async (script: string, input?: string): Promise<CommandResult> => exec('ssh', [...base, script], process.env, input)
  return {
    run: (argv, input) => sh(remote(argv), input),
    describe: (argv) => `ssh ${[...profile.sshOptions, host].map(shellQuote).join(' ')} -- ${remote(argv)}`,
    async readFrom(path, offset) {
      const r = await new Promise<Buffer>((resolve, reject) => {
        execFile('ssh', [...base, `[ -f ${shellQuote(path)} ] && tail -c +${offset + 1} ${shellQuote(path)} || true`], { encoding: 'buffer', timeout: COMMAND_TIMEOUT_MS, maxBuffer: MAX_OUTPUT }, (err, stdout, stderr) =>
          err ? reject(new Error(`ssh ${host}: reading ${path} failed: ${stderr.toString('utf8').trim() || err.message}`)) : resolve(stdout),
        )
      })
      return r
    },
    async writeFile(path, text) {
      const r = await sh(`mkdir -p ${shellQuote(dirname(path))} && cat > ${shellQuote(path)}`, text)
      if (r.code !== 0) throw new Error(`ssh ${host}: writing ${path} failed: ${r.stderr.trim() || `exit code ${r.code}`}`)
    },
  }
}

export function clusterLink(profile: ClusterProfile): ClusterLink {
  return profile.ssh ? sshLink(profile, profile.ssh) : localLink(profile)
}
