import { writeFileSync } from 'node:fs'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ClusterProfile } from '../../../../contract'
import { deleteProfile, findProfile, listProfiles, profilesPath, saveProfile } from '../../../../main/engine/slurm/profiles'
import { tempDir } from '../../../helpers/temp-dir'

let dir: ReturnType<typeof tempDir>
beforeEach(() => (dir = tempDir()))
afterEach(() => dir.remove())

describe('cluster profiles', () => {
  it('has a default profile without any configuration: this machine, default partition, run folders in the data folder', () => {
    expect(listProfiles(dir.path).map((p) => p.name)).toEqual(['default'])
    expect(findProfile(dir.path)).toMatchObject({ ssh: null, partition: null, runsFolder: null, stddCommand: 'stdd', cpus: 1, gpus: 0 })
  })

  it('saves, lists and deletes profiles in clusters.yaml', () => {
    saveProfile(dir.path, ClusterProfile.parse({ name: 'a100', ssh: 'login1', partition: 'gpu', gpus: 1, timeLimit: '4:00:00', runsFolder: '/scratch/me/stdd', extraSbatch: ['--qos=high'] }))
    expect(findProfile(dir.path, 'a100')).toMatchObject({ ssh: 'login1', partition: 'gpu', gpus: 1, extraSbatch: ['--qos=high'] })
    expect(deleteProfile(dir.path, 'a100').map((p) => p.name)).toEqual(['default'])
    expect(() => deleteProfile(dir.path, 'a100')).toThrow(/no cluster profile "a100"/)
  })

  it('names the file, the profile and the field of a bad value, with the fix', () => {
    writeFileSync(profilesPath(dir.path), 'profiles:\n  - name: gpu\n    timeLimit: four hours\n    gpus: -1\n')
    expect(() => listProfiles(dir.path)).toThrow(/clusters\.yaml: profile 1 "gpu": timeLimit: a Slurm time such as "30", "4:00:00"/)
    writeFileSync(profilesPath(dir.path), 'profiles:\n  - name: gpu\n    partiton: x\n')
    expect(() => listProfiles(dir.path)).toThrow(/profile 1 "gpu".*partiton/)
    writeFileSync(profilesPath(dir.path), 'profiles:\n  - name: gpu\n  - name: gpu\n')
    expect(() => listProfiles(dir.path)).toThrow(/"gpu" is used twice/)
    expect(() => findProfile(dir.path, 'nope')).toThrow()
  })

  it('refuses an unknown profile with the list of known ones', () => {
    expect(() => findProfile(dir.path, 'nope')).toThrow(/no cluster profile "nope" in .*clusters\.yaml; the profiles are: default/)
  })
})
