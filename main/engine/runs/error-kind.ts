import { ContractError } from '../../../contract'
import { StddConfigError } from '../stdd/config'
import { ExperimentFileError } from '../experiments/resolve'
import { UnmatchedClassError } from '../text/aliases/resolve'
import type { RunErrorKind } from '../store/runs'

/**
 * Whether a run failed on its own (frozen) config — resuming would fail the same way, the file must be
 * fixed and launched again — or on anything else (data on disk, the machine, a crash), which a resume
 * can get past.
 */
export function runErrorKind(err: unknown): RunErrorKind {
  if (err instanceof StddConfigError || err instanceof ExperimentFileError || err instanceof UnmatchedClassError) return 'config'
  if (err instanceof ContractError && err.code === 'invalid_input') return 'config'
  return 'runtime'
}
