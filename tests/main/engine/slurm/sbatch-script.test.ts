import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { ClusterProfile } from '../../../../contract'
import { sbatchScript } from '../../../../main/engine/slurm/sbatch-script'

const profile = ClusterProfile.parse({ name: 'p', partition: 'gpu', account: 'lab', timeLimit: '1:00:00', gpus: 2, cpus: 8, memory: '32G', extraSbatch: ['--qos=high'], stddCommand: "/opt/node/bin/node '/home/me/stdd explorer/bin/stdd.mjs'", signalGraceSeconds: 90 })
const script = sbatchScript({ profile, jobName: 'table 4 (ablation)', runDirs: ['/scratch/run-a', "/scratch/it's b"], batchDir: '/scratch/batch-1', runIds: [4, 5] })

describe('the sbatch script', () => {
  it('is valid bash', () => {
    const r = spawnSync('bash', ['-n'], { input: script })
    expect(r.stderr.toString()).toBe('')
    expect(r.status).toBe(0)
  })

  it('asks for a requeueable job array, USR1 before the time limit, and every resource of the profile', () => {
    const options = script.split('\n').filter((l) => l.startsWith('#SBATCH '))
    expect(options).toEqual([
      '#SBATCH --job-name=table_4__ablation_',
      '#SBATCH --array=0-1',
      '#SBATCH --requeue',
      '#SBATCH --open-mode=append',
      '#SBATCH --signal=B:USR1@90',
      '#SBATCH --output=/scratch/batch-1/slurm-%A_%a.out',
      '#SBATCH --nodes=1',
      '#SBATCH --ntasks=1',
      '#SBATCH --cpus-per-task=8',
      '#SBATCH --partition=gpu',
      '#SBATCH --account=lab',
      '#SBATCH --time=1:00:00',
      '#SBATCH --gpus-per-node=2',
      '#SBATCH --mem=32G',
      '#SBATCH --qos=high',
    ])
  })

  it('runs the worker in the background under a USR1 trap, waits in a loop, and requeues only its own task', () => {
    expect(script).toContain("RUN_DIRS=(/scratch/run-a '/scratch/it'\\''s b')")
    expect(script).toContain(`/opt/node/bin/node '/home/me/stdd explorer/bin/stdd.mjs' worker --run-dir "$RUN_DIR" >> "$RUN_DIR/worker.log" 2>&1 &`)
    expect(script).toContain('trap on_usr1 USR1')
    expect(script).toMatch(/while kill -0 "\$worker" 2>\/dev\/null; do wait "\$worker"; status=\$\?; done/)
    expect(script).toContain('SELF="${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}"')
    expect(script).toContain('scontrol requeue "$SELF"')
  })
})
