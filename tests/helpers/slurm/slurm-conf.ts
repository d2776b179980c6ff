/** What a single-node test cluster's configuration needs to know. */
export interface SlurmConfInput {
  /** Everything the daemons write goes under this folder. */
  dir: string
  clusterName: string
  nodeName: string
  cpus: number
  /** slurmdbd's port when accounting is on; null: `accounting_storage/none`. */
  dbdPort: number | null
  ctldPort: number
  slurmdPort: number
}

/** The low-priority partition (default; its jobs are pre-empted and requeued). */
export const LOW_PARTITION = 'low'
/** The high-priority partition whose jobs pre-empt the low one's. */
export const HIGH_PARTITION = 'high'

/**
 * slurm.conf for Slurm 22.05 as plain processes in a container (docs/slurm.md §1): root daemons, no
 * cgroups, fast scheduling, requeue on pre-emption with a 5 s grace, and a 10 s credential life so a
 * requeued job restarts in seconds.
 */
export function slurmConf(c: SlurmConfInput): string {
  const accounting =
    c.dbdPort === null
      ? ['AccountingStorageType=accounting_storage/none', 'JobCompType=jobcomp/filetxt', `JobCompLoc=${c.dir}/jobcomp.txt`]
      : ['AccountingStorageType=accounting_storage/slurmdbd', 'AccountingStorageHost=localhost', `AccountingStoragePort=${c.dbdPort}`, 'JobAcctGatherType=jobacct_gather/none']
  return [
    `ClusterName=${c.clusterName}`,
    `SlurmctldHost=${c.nodeName}`,
    `SlurmctldPort=${c.ctldPort}`,
    `SlurmdPort=${c.slurmdPort}`,
    'SlurmUser=root',
    'SlurmdUser=root',
    'AuthType=auth/munge',
    'CredType=cred/munge',
    'AuthInfo=cred_expire=10',
    'ProctrackType=proctrack/linuxproc',
    'TaskPlugin=task/none',
    'MpiDefault=none',
    'SwitchType=switch/none',
    'SelectType=select/cons_tres',
    'SelectTypeParameters=CR_Core',
    `StateSaveLocation=${c.dir}/state`,
    `SlurmdSpoolDir=${c.dir}/spool`,
    `SlurmctldPidFile=${c.dir}/slurmctld.pid`,
    `SlurmdPidFile=${c.dir}/slurmd.pid`,
    `SlurmctldLogFile=${c.dir}/slurmctld.log`,
    `SlurmdLogFile=${c.dir}/slurmd.log`,
    'ReturnToService=2',
    'MinJobAge=300',
    'JobRequeue=1',
    'SchedulerParameters=batch_sched_delay=0,bf_interval=2,sched_interval=5',
    'PreemptType=preempt/partition_prio',
    'PreemptMode=REQUEUE',
    'SlurmctldParameters=preempt_send_user_signal',
    ...accounting,
    `NodeName=${c.nodeName} CPUs=${c.cpus} RealMemory=2000 State=UNKNOWN`,
    `PartitionName=${LOW_PARTITION} Nodes=ALL Default=YES MaxTime=INFINITE State=UP PriorityTier=1 PreemptMode=REQUEUE GraceTime=5`,
    `PartitionName=${HIGH_PARTITION} Nodes=ALL MaxTime=INFINITE State=UP PriorityTier=10 PreemptMode=OFF`,
    '',
  ].join('\n')
}

export interface SlurmdbdConfInput {
  dir: string
  dbdPort: number
  mysqlPort: number
  mysqlUser: string
  mysqlPassword: string
}

/** slurmdbd.conf: slurmdbd on localhost, its database on a MariaDB listening on 127.0.0.1. */
export function slurmdbdConf(c: SlurmdbdConfInput): string {
  return [
    'AuthType=auth/munge',
    'DbdHost=localhost',
    `DbdPort=${c.dbdPort}`,
    'SlurmUser=root',
    `PidFile=${c.dir}/slurmdbd.pid`,
    `LogFile=${c.dir}/slurmdbd.log`,
    'StorageType=accounting_storage/mysql',
    'StorageHost=127.0.0.1',
    `StoragePort=${c.mysqlPort}`,
    `StorageUser=${c.mysqlUser}`,
    `StoragePass=${c.mysqlPassword}`,
    'StorageLoc=slurm_acct_db',
    '',
  ].join('\n')
}
