import { lstatSync, readdirSync } from 'node:fs'
import { join } from 'node:path'

/** The bytes of the regular files below a folder (links not followed); 0 for a missing folder. */
export function folderBytes(dir: string): number {
  let total = 0
  let entries
  try {
    entries = readdirSync(dir, { withFileTypes: true })
  } catch {
    return 0
  }
  for (const e of entries) {
    const path = join(dir, e.name)
    if (e.isDirectory()) total += folderBytes(path)
    else if (e.isFile()) total += lstatSync(path).size
  }
  return total
}
