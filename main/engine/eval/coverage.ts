import type { RunOutput } from '../runs/run-output'

/**
 * How much of an evaluation set could be used: the videos its list names that are not on disk
 * (missing) and those on disk that could not be decoded (broken), counted apart, with a warning when
 * together they exceed the target's `warnUnusablePct` of the listed videos. Stored per set as metrics
 * and as a JSON artifact that names the videos, so a partial data set never ends `done` unnoticed.
 */

export interface UnusableVideo {
  /** The video and where it was listed. */
  video: string
  reason: string
}

export interface SetCoverage {
  /** Videos the set's list names (on disk or not). */
  listed: number
  missing: UnusableVideo[]
  broken: UnusableVideo[]
}

/** Videos named per kind in the stored artifact (the counts are always complete). */
export const COVERAGE_LISTED_VIDEOS = 1000

/** Percentage of the listed videos that could not be used. */
export function unusablePct(c: SetCoverage): number {
  return c.listed === 0 ? 0 : (100 * (c.missing.length + c.broken.length)) / c.listed
}

/** Whether the set is unusable enough to warn about (strictly above the threshold). */
export function isOverThreshold(c: SetCoverage, warnUnusablePct: number): boolean {
  return unusablePct(c) > warnUnusablePct
}

/** Pools the sets of one target. */
export function pooled(sets: readonly SetCoverage[]): SetCoverage {
  return { listed: sets.reduce((n, s) => n + s.listed, 0), missing: sets.flatMap((s) => s.missing), broken: sets.flatMap((s) => s.broken) }
}

/** `<prefix>/listed`, `/missing`, `/broken`, `/unusable_pct` (and `/skipped` = missing + broken). */
export function coverageMetrics(prefix: string, c: SetCoverage): Record<string, number> {
  return {
    [`${prefix}/listed`]: c.listed,
    [`${prefix}/missing`]: c.missing.length,
    [`${prefix}/broken`]: c.broken.length,
    [`${prefix}/skipped`]: c.missing.length + c.broken.length,
    [`${prefix}/unusable_pct`]: unusablePct(c),
  }
}

/** One log line: the counts, and a warning with the first few names when over the threshold; null when every listed video was used. */
export function coverageMessage(what: string, c: SetCoverage, warnUnusablePct: number): string | null {
  const unusable = c.missing.length + c.broken.length
  if (unusable === 0) return null
  const counts = `${c.missing.length} of ${c.listed} listed videos missing on disk, ${c.broken.length} broken (${unusablePct(c).toFixed(1)} % unusable)`
  if (!isOverThreshold(c, warnUnusablePct)) return `${what}: ${counts}`
  const first = [...c.missing.slice(0, 3).map((v) => `missing ${v.video}`), ...c.broken.slice(0, 3).map((v) => `broken ${v.video}`)]
  return `warning: ${what}: ${counts}, more than eval.warnUnusablePct = ${warnUnusablePct} %; the accuracy is over the remaining videos only (e.g. ${first.join('; ')}); "stdd data inspect" lists them all`
}

/** The artifact name of a set's coverage (kind `other`): `<eval key>/<set>#coverage`. */
export function coverageArtifactName(setKey: string): string {
  return `${setKey}#coverage`
}

/** Stores (replaces) a set's coverage: counts, threshold, and the missing and broken videos by name. */
export function saveCoverage(out: RunOutput, step: number, setKey: string, c: SetCoverage, warnUnusablePct: number): void {
  const name = coverageArtifactName(setKey)
  const body = {
    set: setKey,
    listed: c.listed,
    missing: c.missing.length,
    broken: c.broken.length,
    unusablePct: unusablePct(c),
    warnUnusablePct,
    warning: isOverThreshold(c, warnUnusablePct),
    missingVideos: c.missing.slice(0, COVERAGE_LISTED_VIDEOS),
    brokenVideos: c.broken.slice(0, COVERAGE_LISTED_VIDEOS),
  }
  out.removeArtifacts('other', name)
  out.artifact({ kind: 'other', name, step, blob: new TextEncoder().encode(JSON.stringify(body)), mime: 'application/json', meta: { listed: body.listed, missing: body.missing, broken: body.broken, warning: body.warning } })
}
