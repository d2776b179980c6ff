import { mkdirSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { checkDocReference, findDocReferences, headingAnchor, unresolvedDocReferences } from '../../helpers/doc-references'
import { tempDir } from '../../helpers/temp-dir'

const ROOT = resolve(__dirname, '../../..')
// Spelled in pieces so that this file holds no citation of its own.
const MD = '.md'
const METHOD = `docs/method${MD}`

/** What the check says of `citation` in src/a.ts of a tiny repository whose docs/method.md has numbered headings. */
function plantedRepo(citation: string): string[] {
  const dir = tempDir('doc-refs-')
  const root = dir.path
  mkdirSync(join(root, 'docs'))
  writeFileSync(join(root, 'docs/method.md'), '# Method\n\n## 1. STCA\n\n### 1.4 Window Shift Masking\n\n## 9. Every disagreement\n')
  try {
    return findDocReferences('src/a.ts', `/** ${citation} */`).map((r) => checkDocReference(root, r) ?? 'ok')
  } finally {
    dir.remove()
  }
}

describe('citations of documents', () => {
  it('every citation in the repository resolves inside it', () => {
    expect(unresolvedDocReferences(ROOT)).toEqual([])
  })

  it('accepts a cited file, its numbered sections and its anchors', () => {
    expect(plantedRepo(`${METHOD} §1.4 and §9`)).toEqual(['ok'])
    expect(plantedRepo(`${METHOD}#14-window-shift-masking`)).toEqual(['ok'])
    expect(plantedRepo(`see ../${METHOD}`)).toEqual(['ok'])
  })

  it('reports a file that is not in the repository', () => {
    expect(plantedRepo(`docs/nowhere${MD} §1`)).toEqual([`src/a.ts:1: docs/nowhere${MD} is not a file of the repository (cite docs/… instead)`])
  })

  it('reports a section or an anchor the file does not have', () => {
    expect(plantedRepo(`${METHOD} §1.3–1.4`)).toEqual([`src/a.ts:1: ${METHOD} has no section §1.3`])
    expect(plantedRepo(`${METHOD} §2, §9`)).toEqual([`src/a.ts:1: ${METHOD} has no section §2`])
    expect(plantedRepo(`${METHOD}#2-training`)).toEqual([`src/a.ts:1: ${METHOD} has no heading with the anchor #2-training`])
  })

  it('reports the names of the working notes kept outside the repository, with or without .md', () => {
    const bareName = ['method', 'spec'].join('-')
    expect(plantedRepo(`${bareName} §1.4`)).toEqual([`src/a.ts:1: ${bareName} is not a file of the repository (cite docs/… instead)`])
    expect(plantedRepo(`design${MD}'s table`)[0]).toMatch(/is not a file of the repository/)
  })

  it('makes anchors as GitHub does', () => {
    expect(headingAnchor('9. Every disagreement and the choice made')).toBe('9-every-disagreement-and-the-choice-made')
    expect(headingAnchor('3.5 Class names')).toBe('35-class-names')
    expect(headingAnchor('SynthMotion, the built-in world')).toBe('synthmotion-the-built-in-world')
  })
})
