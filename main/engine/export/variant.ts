/** A run's variant name without its seed and re-launch suffixes (`full,wsm,seed=1 #2` → `full,wsm`), or null for `default`. */
export function variantName(runName: string): string | null {
  const name = runName
    .replace(/ #\d+$/, '')
    .split(',')
    .filter((part) => !/^seed=\d+$/.test(part))
    .join(',')
  return name && name !== 'default' ? name : null
}
