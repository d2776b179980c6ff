import { execFile, spawn } from 'node:child_process'
import { closeSync, createReadStream, createWriteStream, existsSync, mkdirSync, openSync, readSync, statSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
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
  /**
   * Copies the file `path` there into `localPath` (replaced), calling `onBytes` as bytes arrive. Throws a
   * `ClusterFileError`: "unreachable" (ssh could not reach the host), "missing", or "failed".
   */
  download(path: string, localPath: string, onBytes?: (n: number) => void): Promise<void>
  /** The ssh host alias, or null on this machine. */
  readonly host: string | null
}

/** Why a file could not be read from the cluster. */
export class ClusterFileError extends Error {
  constructor(
    readonly reason: 'unreachable' | 'missing' | 'failed',
    message: string,
  ) {
    super(message)
  }
}

/** The exit code of `ssh` itself failing (host unknown or down, refused, authentication), as opposed to the remote command's. */
export const SSH_FAILED = 255

/** `ssh` itself could not reach `host` (exit code 255): the error, with how to check the route by hand. */
export function unreachable(host: string, stderr: string): ClusterFileError {
  const why = stderr.trim() || `exit code ${SSH_FAILED}`
  return new ClusterFileError('unreachable', `cannot reach ${host} over ssh (${why}); check that "ssh ${host} true" works from this machine without a password prompt (the app uses your ssh config and keys, BatchMode)`)
}

/** Counts the bytes passing through, for progress. */
function byteCounter(onBytes?: (n: number) => void): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      onBytes?.(chunk.length)
      done(null, chunk)
    },
  })
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
    async download(path, localPath, onBytes) {
      if (!existsSync(path)) throw new ClusterFileError('missing', `${path} does not exist`)
      mkdirSync(dirname(localPath), { recursive: true })
      try {
        await pipeline(createReadStream(path), byteCounter(onBytes), createWriteStream(localPath))
      } catch (err) {
        throw new ClusterFileError('failed', `copying ${path} to ${localPath} failed: ${err instanceof Error ? err.message : String(err)}`)
      }
    },
    host: null,
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
    async download(path, localPath, onBytes) {
      mkdirSync(dirname(localPath), { recursive: true })
      // No overall time limit (checkpoints can be large); a dead connection ends after ≈ 1 min without answers.
      const child = spawn('ssh', [...profile.sshOptions, '-o', 'BatchMode=yes', '-o', 'ServerAliveInterval=15', '-o', 'ServerAliveCountMax=4', host, '--', `cat ${shellQuote(path)}`], { stdio: ['ignore', 'pipe', 'pipe'] })
      let stderr = ''
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')))
      const exited = new Promise<number>((resolve) => {
        child.on('error', (err) => {
          stderr += `ssh: ${err.message}`
          resolve(127)
        })
        child.on('close', (code) => resolve(code ?? 1))
      })
      const copied = pipeline(child.stdout, byteCounter(onBytes), createWriteStream(localPath)).then(
        () => null,
        (err: unknown) => (err instanceof Error ? err.message : String(err)),
      )
      const [code, copyProblem] = await Promise.all([exited, copied])
      const said = stderr.trim()
      if (code === SSH_FAILED) throw unreachable(host, said)
      if (code !== 0 && /no such file/i.test(said)) throw new ClusterFileError('missing', `${path} does not exist on ${host}`)
      if (code !== 0 || copyProblem) throw new ClusterFileError('failed', `reading ${path} from ${host} failed: ${copyProblem ?? (said || `exit code ${code}`)}`)
    },
    host,
  }
}

export function clusterLink(profile: ClusterProfile): ClusterLink {
  return profile.ssh ? sshLink(profile, profile.ssh) : localLink(profile)
}
