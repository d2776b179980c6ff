import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml'
import { z } from 'zod'
import { ClusterProfile, ContractError, describeIssues } from '../../../contract'

/**
 * Cluster profiles live in `<data folder>/clusters.yaml` (a list under `profiles:`), editable by hand
 * or from Settings. The profile "default" exists without configuration: Slurm's commands on this
 * machine's PATH, the cluster's default partition, run folders under the data folder.
 */
export const DEFAULT_PROFILE_NAME = 'default'

const ProfilesFile = z.object({ profiles: z.array(z.unknown()).default([]) }).strict()

export function profilesPath(dataDir: string): string {
  return join(dataDir, 'clusters.yaml')
}

export function defaultProfile(): ClusterProfile {
  return ClusterProfile.parse({ name: DEFAULT_PROFILE_NAME })
}

/** The profiles of the file, validated; each bad field named with its profile and the fix. */
export function readProfiles(dataDir: string): ClusterProfile[] {
  const file = profilesPath(dataDir)
  if (!existsSync(file)) return []
  let parsed: unknown
  try {
    parsed = parseYaml(readFileSync(file, 'utf8')) ?? {}
  } catch (err) {
    throw new ContractError('invalid_input', `${file} is not valid YAML (${err instanceof Error ? err.message : String(err)}); fix or delete it`)
  }
  const top = ProfilesFile.safeParse(parsed)
  if (!top.success) throw new ContractError('invalid_input', `${file}: ${describeIssues(top.error).map((i) => `${i.path || '(top)'}: ${i.message}`).join('; ')}; the file holds "profiles:", a list of cluster profiles`)
  const names = new Set<string>()
  return top.data.profiles.map((raw, i) => {
    const r = ClusterProfile.safeParse(raw)
    const label = `${file}: profile ${i + 1}${typeof (raw as { name?: unknown })?.name === 'string' ? ` "${(raw as { name: string }).name}"` : ''}`
    if (!r.success) throw new ContractError('invalid_input', describeIssues(r.error).map((issue) => `${label}: ${issue.path || '(profile)'}: ${issue.message}`).join('\n'), describeIssues(r.error))
    if (names.has(r.data.name)) throw new ContractError('invalid_input', `${label}: the name "${r.data.name}" is used twice; give each profile its own name`)
    names.add(r.data.name)
    return r.data
  })
}

/** Every profile, the built-in "default" first unless the file defines its own. */
export function listProfiles(dataDir: string): ClusterProfile[] {
  const defined = readProfiles(dataDir)
  return defined.some((p) => p.name === DEFAULT_PROFILE_NAME) ? defined : [defaultProfile(), ...defined]
}

export function findProfile(dataDir: string, name: string = DEFAULT_PROFILE_NAME): ClusterProfile {
  const all = listProfiles(dataDir)
  const found = all.find((p) => p.name === name)
  if (!found) throw new ContractError('not_found', `no cluster profile "${name}" in ${profilesPath(dataDir)}; the profiles are: ${all.map((p) => p.name).join(', ')}`)
  return found
}

function writeProfiles(dataDir: string, profiles: ClusterProfile[]): void {
  const file = profilesPath(dataDir)
  const tmp = `${file}.tmp-${process.pid}`
  writeFileSync(tmp, `# Cluster profiles of STDD Explorer (README "Clusters"). Edited by hand or in Settings.\n${stringifyYaml({ profiles })}`)
  renameSync(tmp, file)
}

/** Adds or replaces (by name) a profile; returns every profile. */
export function saveProfile(dataDir: string, profile: ClusterProfile): ClusterProfile[] {
  const valid = ClusterProfile.parse(profile)
  const others = readProfiles(dataDir).filter((p) => p.name !== valid.name)
  writeProfiles(dataDir, [...others, valid])
  return listProfiles(dataDir)
}

export function deleteProfile(dataDir: string, name: string): ClusterProfile[] {
  const defined = readProfiles(dataDir)
  if (!defined.some((p) => p.name === name)) throw new ContractError('not_found', `no cluster profile "${name}" in ${profilesPath(dataDir)}${name === DEFAULT_PROFILE_NAME ? ' (the built-in default cannot be deleted)' : ''}`)
  writeProfiles(dataDir, defined.filter((p) => p.name !== name))
  return listProfiles(dataDir)
}
