import { existsSync, renameSync, rmSync } from 'node:fs'
import { basename, join } from 'node:path'
import { epochsRead, sourceWeightsPlan, type SourceTrain } from '../eval/source-weights-plan'
import { CHECKPOINT_FILES, CheckpointIntegrityError, checkpointDirName, checkpointsDir, verifyCheckpoint } from '../train/checkpoint'
import { ClusterFileError, SSH_FAILED, unreachable, type ClusterLink, type CommandResult } from './cluster-link'

/** One run's checkpoints, kept in its run folder on the cluster, wanted in its local folder. */
export interface CheckpointRequest {
  runId: number
  /** The run folder on the cluster. */
  remoteRunDir: string
  /** The run's local folder (`<data>/runs/<id>`): the checkpoints land in its `checkpoints/`. */
  localRunDir: string
  /** `final`, `averaged` or an epoch number (as text). */
  choice: string
  train: SourceTrain
}

const MB = 1024 * 1024

/** Runs `argv` there; throws when ssh cannot reach the host. */
async function runThere(link: ClusterLink, argv: string[]): Promise<CommandResult> {
  const r = await link.run(argv)
  if (r.code === SSH_FAILED && link.host) throw unreachable(link.host, r.stderr)
  return r
}

function commandFailed(link: ClusterLink, argv: string[], r: CommandResult): ClusterFileError {
  return new ClusterFileError('failed', `"${link.describe(argv)}" failed (exit code ${r.code}): ${r.stderr.trim() || 'no output'}`)
}

/** The epochs with a checkpoint in the run's folder on the cluster. */
async function remoteEpochs(link: ClusterLink, remoteRunDir: string): Promise<number[]> {
  const argv = ['ls', '-1', checkpointsDir(remoteRunDir)]
  const r = await runThere(link, argv)
  if (r.code !== 0) {
    if (/no such file/i.test(r.stderr)) return []
    throw commandFailed(link, argv, r)
  }
  return r.stdout
    .split('\n')
    .map((n) => /^epoch-(\d{4})$/.exec(n.trim()))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b)
}

function isWhole(dir: string): boolean {
  if (!existsSync(dir)) return false
  try {
    verifyCheckpoint(dir)
    return existsSync(join(dir, CHECKPOINT_FILES[0]))
  } catch {
    return false
  }
}

/** The sizes of a remote checkpoint's files (bytes), naming the files that are missing. */
async function remoteSizes(link: ClusterLink, remoteDir: string): Promise<number[]> {
  const paths = CHECKPOINT_FILES.map((f) => join(remoteDir, f))
  const argv = ['stat', '-c', '%s', ...paths]
  const r = await runThere(link, argv)
  if (r.code !== 0) {
    const missing = paths.filter((p) => r.stderr.includes(p))
    if (missing.length) throw new ClusterFileError('missing', `${missing.join(', ')} ${missing.length > 1 ? 'do' : 'does'} not exist${link.host ? ` on ${link.host}` : ''}`)
    throw commandFailed(link, argv, r)
  }
  return r.stdout.trim().split('\n').map(Number)
}

/**
 * Copies the checkpoints that evaluating `req.choice` reads from the run's folder on the cluster into
 * its local folder, each into a temporary folder first, its files checked against its own
 * `checksums.json` (SHA-256) before it is renamed into place; a checkpoint already here and whole is
 * kept. `report` gets a line per checkpoint and per file. Returns the epochs fetched now. Errors name
 * the host, the file and the fix.
 */
export async function fetchCheckpoints(link: ClusterLink, req: CheckpointRequest, report: (line: string) => void): Promise<number[]> {
  const where = link.host ? `${link.host}:${req.remoteRunDir}` : req.remoteRunDir
  const epochs = await remoteEpochs(link, req.remoteRunDir)
  const wanted = epochsRead(sourceWeightsPlan(req.runId, req.choice, req.train, epochs, where), epochs)
  const fetched: number[] = []
  for (const epoch of wanted) {
    const name = checkpointDirName(epoch)
    const target = join(checkpointsDir(req.localRunDir), name)
    if (isWhole(target)) continue
    const remoteDir = join(checkpointsDir(req.remoteRunDir), name)
    const sizes = await remoteSizes(link, remoteDir)
    const total = sizes.reduce((a, b) => a + b, 0)
    report(`run ${req.runId}: fetching checkpoint ${name} from ${where} (${CHECKPOINT_FILES.length} files, ${(total / MB).toFixed(1)} MB)`)
    const tmp = `${target}.fetching`
    rmSync(tmp, { recursive: true, force: true })
    let got = 0
    try {
      for (const [i, file] of CHECKPOINT_FILES.entries()) {
        await link.download(join(remoteDir, file), join(tmp, file), (n) => (got += n))
        report(`run ${req.runId}: ${name}/${file} (${(sizes[i]! / MB).toFixed(1)} MB) fetched, ${total ? Math.round((100 * got) / total) : 100}% of ${name}`)
      }
      verifyCheckpoint(tmp)
    } catch (err) {
      rmSync(tmp, { recursive: true, force: true })
      if (err instanceof CheckpointIntegrityError) {
        const file = join(remoteDir, basename(err.file))
        throw new CheckpointIntegrityError(
          `${file} fetched from ${link.host ?? 'the cluster'} does not match its SHA-256 in checksums.json (${err.problem}): the copy was cut short or the file on the cluster is damaged; ` +
            `evaluate again to fetch it once more, and if that repeats, check it there ("sha256sum ${file}") or evaluate another checkpoint (the run has ${epochs.join(', ')})`,
          file,
          err.problem,
        )
      }
      throw err
    }
    rmSync(target, { recursive: true, force: true })
    renameSync(tmp, target)
    report(`run ${req.runId}: checkpoint ${name} fetched and its SHA-256 verified`)
    fetched.push(epoch)
  }
  return fetched
}
