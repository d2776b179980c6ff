import { z } from 'zod'

/** Cluster profiles (Slurm) and the Slurm side of a run: its job, log tail and sbatch script. */

const optionalText = z.string().trim().min(1, 'must not be empty (leave the key out instead)').nullable().default(null)

export const CLUSTER_PROFILE_NAME = /^[A-Za-z0-9][\w.-]{0,63}$/

/**
 * Where and how a run is submitted to Slurm. Every field but the name has a default: the built-in
 * "default" profile is `sbatch`/`squeue`/`sacct` on this machine's PATH (and `SLURM_CONF` where set),
 * the cluster's default partition, and run folders under the data folder.
 */
export const ClusterProfile = z
  .object({
    name: z.string().regex(CLUSTER_PROFILE_NAME, 'letters, digits, "_", "-" or "." (at most 64), e.g. "gpu-a100"'),
    /** A host alias of the system `ssh` (its ~/.ssh/config); null: Slurm's commands run on this machine. */
    ssh: z
      .string()
      .regex(/^[A-Za-z0-9][\w.@-]*$/, 'an ssh host alias such as "login1" or "me@login.example.org" (options go in ~/.ssh/config)')
      .nullable()
      .default(null),
    /** Extra arguments for `ssh` before the host, e.g. ["-F", "/path/to/ssh_config"]. */
    sshOptions: z.array(z.string().min(1)).default([]),
    /** SLURM_CONF for Slurm's commands (where sbatch runs); null: that machine's environment. */
    slurmConf: optionalText,
    partition: optionalText,
    account: optionalText,
    /** Slurm's time format: "MM", "HH:MM:SS", "D-HH:MM:SS", … */
    timeLimit: z
      .string()
      .regex(/^(\d+-)?\d+(:\d{1,2}){0,2}$/, 'a Slurm time such as "30", "4:00:00" or "1-12:00:00"')
      .nullable()
      .default(null),
    gpus: z.number().int('a whole number').min(0).max(64).default(0),
    cpus: z.number().int('a whole number').min(1).max(1024).default(1),
    /** Memory per node, Slurm's format ("16G", "4000M"); null: the partition's default. */
    memory: z
      .string()
      .regex(/^\d+[KMGT]?$/, 'a Slurm memory size such as "16G" or "4000M"')
      .nullable()
      .default(null),
    /** More `#SBATCH` options, one per entry, e.g. "--qos=high" or "--constraint=a100". */
    extraSbatch: z.array(z.string().regex(/^--?[A-Za-z]/, 'an sbatch option such as "--qos=high" (without "#SBATCH")').refine((s) => !/[\n\r]/.test(s), 'one line')).default([]),
    /** The command that runs `stdd` on a node (it gets `worker --run-dir DIR` appended). */
    stddCommand: z.string().trim().min(1).refine((s) => !/[\n\r]/.test(s), 'one line').default('stdd'),
    /** A folder every node and the submitting machine see: one run folder per run goes here. Null: `<data folder>/slurm-runs`. */
    runsFolder: optionalText,
    /** The data folder the worker uses on a node (model and feature caches). Null: this engine's data folder (no ssh) or `<runsFolder>/data` (ssh). */
    nodeDataDir: optionalText,
    /** Seconds before the time limit at which the job is told to checkpoint (`--signal=B:USR1@N`). */
    signalGraceSeconds: z.number().int().min(5).max(3600).default(120),
  })
  .strict()
export type ClusterProfile = z.infer<typeof ClusterProfile>
export type ClusterProfileInput = z.input<typeof ClusterProfile>

export const EXECUTORS = ['local', 'slurm'] as const
export const Executor = z.enum(EXECUTORS)
export type Executor = z.infer<typeof Executor>

/** A run's Slurm job as last seen (sacct, squeue, or the worker's own record). */
export const SlurmJobInfo = z.object({
  profile: z.string(),
  cluster: z.string().nullable(),
  /** "ARRAYID_TASK" (every submission is a job array; a single run is task 0 of its own). */
  jobId: z.string(),
  submitTime: z.number().int().nullable(),
  /** Slurm's state (PENDING, RUNNING, REQUEUED, COMPLETED, TIMEOUT, NODE_FAIL, …) or UNKNOWN. */
  state: z.string(),
  node: z.string().nullable(),
  pendingReason: z.string().nullable(),
  preemptions: z.number().int(),
  requeues: z.number().int(),
  runDir: z.string(),
  /** Whether the run can be submitted again to continue from its last checkpoint. */
  resumable: z.boolean(),
  updatedAt: z.string(),
})
export type SlurmJobInfo = z.infer<typeof SlurmJobInfo>

const profileName = z.string().regex(CLUSTER_PROFILE_NAME, 'a cluster profile name')

export const clustersCommandSchemas = {
  'clusters.list': { input: z.object({}).strict(), output: z.object({ file: z.string(), profiles: z.array(ClusterProfile) }) },
  'clusters.save': { input: z.object({ profile: ClusterProfile }).strict(), output: z.array(ClusterProfile) },
  'clusters.delete': { input: z.object({ name: profileName }).strict(), output: z.array(ClusterProfile) },
  'clusters.test': {
    input: z.object({ name: profileName }).strict(),
    output: z.object({ ok: z.boolean(), command: z.string(), output: z.string() }),
  },
  'runs.job': {
    input: z.object({ id: z.number().int().positive(), logLines: z.number().int().min(1).max(2000).default(100) }).strict(),
    output: z.object({ job: SlurmJobInfo, script: z.string(), logTail: z.string() }).nullable(),
  },
} as const
