import { execFileSync, spawnSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { tempDir } from '../temp-dir'
import { startDaemon, waitFor } from './daemon'

/** An sshd on 127.0.0.1 only, with keys made for it, and an ssh_config naming it as one host alias. */
export interface LoopbackSshd {
  /** The host alias in `configFile`. */
  alias: string
  /** Pass as `ssh -F configFile`. */
  configFile: string
  stop(): Promise<void>
}

export function missingSshd(): string | null {
  return spawnSync('sh', ['-c', 'command -v ssh && test -x /usr/sbin/sshd && command -v ssh-keygen'], { stdio: 'ignore' }).status === 0
    ? null
    : 'not installed: openssh-server, openssh-client (apt-get install openssh-server openssh-client)'
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

/** Starts sshd for this user on a free port of 127.0.0.1, accepting only a key generated here. */
export async function startLoopbackSshd(): Promise<LoopbackSshd> {
  const tmp = tempDir('stdd-sshd-')
  const dir = tmp.path
  const keygen = (file: string): void => {
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', file], { stdio: 'ignore' })
  }
  keygen(join(dir, 'host_key'))
  keygen(join(dir, 'client_key'))
  writeFileSync(join(dir, 'authorized_keys'), execFileSync('cat', [join(dir, 'client_key.pub')]), { mode: 0o600 })
  const port = await freePort()
  const user = execFileSync('id', ['-un'], { encoding: 'utf8' }).trim()
  const sshdConfig = join(dir, 'sshd_config')
  writeFileSync(
    sshdConfig,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${join(dir, 'host_key')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      'PermitRootLogin prohibit-password',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      'StrictModes no',
      `PidFile ${join(dir, 'sshd.pid')}`,
      'AcceptEnv none',
      '',
    ].join('\n'),
  )
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 }) // sshd's privilege-separation folder
  const daemon = startDaemon('sshd', '/usr/sbin/sshd', ['-D', '-e', '-f', sshdConfig], join(dir, 'sshd.log'))
  const alias = 'stdd-test-login'
  const configFile = join(dir, 'ssh_config')
  writeFileSync(
    configFile,
    [
      `Host ${alias}`,
      '  HostName 127.0.0.1',
      `  Port ${port}`,
      `  User ${user}`,
      `  IdentityFile ${join(dir, 'client_key')}`,
      '  IdentitiesOnly yes',
      '  StrictHostKeyChecking no',
      `  UserKnownHostsFile ${join(dir, 'known_hosts')}`,
      '  LogLevel ERROR',
      '',
    ].join('\n'),
  )
  await waitFor(
    () => {
      if (daemon.exited()) throw new Error(`sshd stopped (${daemon.exited()}); see ${join(dir, 'sshd.log')}`)
      return spawnSync('ssh', ['-F', configFile, '-o', 'BatchMode=yes', alias, 'true'], { stdio: 'ignore', timeout: 10_000 }).status === 0 ? true : null
    },
    20_000,
    () => `ssh ${alias} (127.0.0.1:${port}) did not log in`,
  )
  return {
    alias,
    configFile,
    async stop() {
      await daemon.stop(5000)
      tmp.remove()
    },
  }
}
