import { BYTE_CHARS_IN_VOCAB_ORDER } from './byte_level'

/**
 * Byte-pair-encoding training in CLIP's form: each word is a sequence of byte-level characters whose
 * last one carries the end-of-word suffix `</w>`; the most frequent adjacent pair is merged,
 * repeatedly, until every word of the corpus is one token. Encoding a corpus word with the learned
 * merges in rank order replays its training merges, so every corpus word ends as a single token.
 *
 * Ties (equal counts) are broken by the pair's text, so the same corpus always gives the same merges.
 */

export const END_OF_WORD = '</w>'

export interface BpeModel {
  /** Merges in rank order, each a pair of tokens. */
  merges: [string, string][]
  /** Token → id: the 256 byte characters, the same with `</w>`, then one entry per new merge result. */
  vocab: Map<string, number>
}

/** `word` (already byte-level) as its initial symbols: one per character, `</w>` on the last. */
function symbols(word: string): string[] {
  const chars = Array.from(word)
  chars[chars.length - 1] += END_OF_WORD
  return chars
}

const pairKey = (a: string, b: string): string => `${a} ${b}`

/** Learns merges until every word with a positive count is a single token. */
export function trainBpe(wordCounts: ReadonlyMap<string, number>): BpeModel {
  const words = [...wordCounts.entries()]
    .filter(([w, c]) => w.length > 0 && c > 0)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([w, count]) => ({ parts: symbols(w), count }))
  const vocab = new Map<string, number>()
  for (const ch of BYTE_CHARS_IN_VOCAB_ORDER) vocab.set(ch, vocab.size)
  for (const ch of BYTE_CHARS_IN_VOCAB_ORDER) vocab.set(ch + END_OF_WORD, vocab.size)
  const merges: [string, string][] = []
  for (;;) {
    const counts = new Map<string, { a: string; b: string; n: number }>()
    for (const w of words) {
      for (let i = 0; i + 1 < w.parts.length; i++) {
        const key = pairKey(w.parts[i]!, w.parts[i + 1]!)
        const entry = counts.get(key)
        if (entry) entry.n += w.count
        else counts.set(key, { a: w.parts[i]!, b: w.parts[i + 1]!, n: w.count })
      }
    }
    if (counts.size === 0) break
    let best: { key: string; a: string; b: string; n: number } | undefined
    for (const [key, e] of counts) if (!best || e.n > best.n || (e.n === best.n && key < best.key)) best = { key, ...e }
    const { a, b } = best!
    merges.push([a, b])
    if (!vocab.has(a + b)) vocab.set(a + b, vocab.size)
    for (const w of words) {
      const out: string[] = []
      for (let i = 0; i < w.parts.length; i++) {
        if (i + 1 < w.parts.length && w.parts[i] === a && w.parts[i + 1] === b) {
          out.push(a + b)
          i++
        } else out.push(w.parts[i]!)
      }
      w.parts = out
    }
  }
  return { merges, vocab }
}
