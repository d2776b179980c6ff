import { createHash, randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ClusterProfile } from '../../../../contract'
import { ClusterFileError, clusterLink } from '../../../../main/engine/slurm/cluster-link'
import { fetchCheckpoints, type CheckpointRequest } from '../../../../main/engine/slurm/fetch-checkpoints'
import { CheckpointIntegrityError, checkpointEpochs } from '../../../../main/engine/train/checkpoint'
import { tempDir } from '../../../helpers/temp-dir'

// The fetcher over a link on this machine (the ssh link's transport is covered end to end in
// tests/slurm/slurm-executor.test.ts, against a loopback sshd), and an ssh link to a host that does not resolve.

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex')

/** A checkpoint folder as `saveCheckpoint` lays it out: three files and their SHA-256 in checksums.json. */
function writeCheckpoint(runDir: string, epoch: number): void {
  const dir = join(runDir, 'checkpoints', `epoch-${String(epoch).padStart(4, '0')}`)
  mkdirSync(dir, { recursive: true })
  const files = { 'weights.safetensors': randomBytes(3000 + epoch), 'optimizer.safetensors': randomBytes(5000), 'state.json': Buffer.from(JSON.stringify({ epoch })) }
  for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dir, name), bytes)
  writeFileSync(join(dir, 'checksums.json'), JSON.stringify(Object.fromEntries(Object.entries(files).map(([n, b]) => [n, sha256(b)]))))
}

describe('fetching a run’s checkpoints from its folder on the cluster', () => {
  let tmp: ReturnType<typeof tempDir>
  let req: CheckpointRequest
  const lines: string[] = []
  const here = clusterLink(ClusterProfile.parse({ name: 'here' }))
  const remoteFile = (epoch: number, name: string): string => join(req.remoteRunDir, 'checkpoints', `epoch-000${epoch}`, name)

  beforeEach(() => {
    tmp = tempDir('stdd-fetch-test-')
    req = { runId: 7, remoteRunDir: join(tmp.path, 'cluster', 'run-abc'), localRunDir: join(tmp.path, 'data', 'runs', '7'), choice: 'final', train: { epochs: 3, averaging: null } }
    for (const e of [1, 2, 3]) writeCheckpoint(req.remoteRunDir, e)
    lines.length = 0
  })
  afterEach(() => tmp.remove())

  it('copies only the checkpoints the choice reads, byte for byte, reporting progress; a second fetch copies nothing', async () => {
    expect(await fetchCheckpoints(here, req, (l) => lines.push(l))).toEqual([3])
    expect(checkpointEpochs(req.localRunDir)).toEqual([3])
    for (const f of ['weights.safetensors', 'optimizer.safetensors', 'state.json', 'checksums.json']) expect(readFileSync(join(req.localRunDir, 'checkpoints', 'epoch-0003', f))).toEqual(readFileSync(remoteFile(3, f)))
    expect(lines[0]).toMatch(/^run 7: fetching checkpoint epoch-0003 from .*run-abc \(4 files, 0\.0 MB\)$/)
    expect(lines.at(-2)).toMatch(/state\.json .* fetched, 100% of epoch-0003$/)
    expect(lines.at(-1)).toBe('run 7: checkpoint epoch-0003 fetched and its SHA-256 verified')
    expect(await fetchCheckpoints(here, req, () => undefined)).toEqual([])
    expect(await fetchCheckpoints(here, { ...req, choice: 'averaged', train: { epochs: 3, averaging: { from: 2, to: 5 } } }, () => undefined)).toEqual([2])
    expect(await fetchCheckpoints(here, { ...req, choice: '1' }, () => undefined)).toEqual([1])
  })

  it('fetches again a local copy that no longer matches its checksums', async () => {
    await fetchCheckpoints(here, req, () => undefined)
    writeFileSync(join(req.localRunDir, 'checkpoints', 'epoch-0003', 'weights.safetensors'), 'damaged')
    expect(await fetchCheckpoints(here, req, () => undefined)).toEqual([3])
    expect(readFileSync(join(req.localRunDir, 'checkpoints', 'epoch-0003', 'weights.safetensors'))).toEqual(readFileSync(remoteFile(3, 'weights.safetensors')))
  })

  it('a file whose bytes differ from its checksum: an error naming the cluster’s file and the fix, and nothing left here', async () => {
    writeFileSync(remoteFile(3, 'optimizer.safetensors'), randomBytes(5000))
    const err = await fetchCheckpoints(here, req, () => undefined).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(CheckpointIntegrityError)
    expect((err as Error).message).toContain(`${remoteFile(3, 'optimizer.safetensors')} fetched from the cluster does not match its SHA-256 in checksums.json (SHA-256 `)
    expect((err as Error).message).toContain(`"sha256sum ${remoteFile(3, 'optimizer.safetensors')}"`)
    expect((err as Error).message).toContain('evaluate another checkpoint (the run has 1, 2, 3)')
    expect(existsSync(join(req.localRunDir, 'checkpoints')) ? readdirSync(join(req.localRunDir, 'checkpoints')) : []).toEqual([])
  })

  it('a file missing on the cluster is named', async () => {
    rmSync(remoteFile(3, 'state.json'))
    const err = await fetchCheckpoints(here, req, () => undefined).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ClusterFileError)
    expect(err).toMatchObject({ reason: 'missing', message: `${remoteFile(3, 'state.json')} does not exist` })
  })

  it('an epoch the run does not have, or a run without checkpoints, is refused naming what it has', async () => {
    await expect(fetchCheckpoints(here, { ...req, choice: '7' }, () => undefined)).rejects.toThrow(`run 7 has no checkpoint of epoch 7 in ${req.remoteRunDir} (it has 1, 2, 3)`)
    rmSync(join(req.remoteRunDir, 'checkpoints'), { recursive: true })
    await expect(fetchCheckpoints(here, { ...req, choice: 'averaged' }, () => undefined)).rejects.toThrow(`run 7 has no checkpoints in ${req.remoteRunDir}`)
    // "final" of a run that trained nothing is the model as built: nothing to fetch.
    expect(await fetchCheckpoints(here, req, () => undefined)).toEqual([])
  })

  it('a host ssh cannot reach: an error naming the host and how to check the route', async () => {
    const far = clusterLink(ClusterProfile.parse({ name: 'far', ssh: 'stdd-no-such-host.invalid', sshOptions: ['-F', '/dev/null', '-o', 'ConnectTimeout=5'] }))
    const err = await fetchCheckpoints(far, req, () => undefined).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ClusterFileError)
    expect((err as ClusterFileError).reason).toBe('unreachable')
    expect((err as Error).message).toMatch(/^cannot reach stdd-no-such-host\.invalid over ssh \(.*stdd-no-such-host\.invalid.*\); check that "ssh stdd-no-such-host\.invalid true" works from this machine/)
    const download = await far.download('/x/weights.safetensors', join(tmp.path, 'w')).catch((e: unknown) => e)
    expect(download).toMatchObject({ reason: 'unreachable' })
  })
})
