import type { EngineContext } from '../engine'
import { deleteProfile, findProfile, listProfiles, profilesPath, saveProfile } from '../slurm/profiles'
import { testConnection } from '../slurm/slurm-executor'
import type { Handlers } from './index'

/** Cluster profiles (Settings) and the Slurm side of a run (run detail). */
export function clustersHandlers(ctx: EngineContext): Pick<Handlers, 'clusters.list' | 'clusters.save' | 'clusters.delete' | 'clusters.test' | 'runs.job'> {
  return {
    'clusters.list': () => ({ file: profilesPath(ctx.dataDir), profiles: listProfiles(ctx.dataDir) }),
    'clusters.save': ({ profile }) => saveProfile(ctx.dataDir, profile),
    'clusters.delete': ({ name }) => deleteProfile(ctx.dataDir, name),
    'clusters.test': ({ name }) => testConnection(findProfile(ctx.dataDir, name)),
    'runs.job': ({ id, logLines }) => ctx.slurm.jobDetail(id, logLines),
  }
}
