/**
 * Class-name normalisation of docs/method.md §3.5: how each data set's folder or file names become the
 * display names that the prompts and knowledge graphs use.
 */

/** UCF101: split CamelCase with `[A-Z][^A-Z]*`, join with spaces, then "Yo Yo" → "Yoyo" ("HandstandPushups" → "Handstand Pushups"). */
export function ucfDisplayName(folder: string): string {
  const words = folder.match(/[A-Z][^A-Z]*/g) ?? [folder]
  return words.join(' ').replace('Yo Yo', 'Yoyo')
}

/** HMDB51: the part before `_test_split<k>` of the split-file name, underscores → spaces ("brush_hair" → "brush hair"). */
export function hmdbDisplayName(folder: string): string {
  return folder.replace(/_/g, ' ')
}

/** Kinetics class folders (`passing_American_football_(in_game)`) → official names (spaces). */
export function kineticsNameFromFolder(folder: string): string {
  return folder.replace(/_/g, ' ')
}

/** Python's `sorted()` on str (code-point order), which is how HMDB51 and Kinetics classes are indexed. */
export function pythonSorted(names: Iterable<string>): string[] {
  return [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
}
