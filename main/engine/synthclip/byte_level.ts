/**
 * GPT-2 / CLIP byte-level alphabet (`bytes_to_unicode` of openai/CLIP's simple_tokenizer.py): every
 * byte maps to one printable character, printable Latin-1 bytes to themselves, the others to
 * U+0100 onwards. The order of the map is the order of CLIP's first 256 vocabulary entries.
 */
function buildByteAlphabet(): { byByte: string[]; order: string[] } {
  const bs: number[] = []
  const range = (a: number, b: number): void => {
    for (let c = a; c <= b; c++) bs.push(c)
  }
  range(0x21, 0x7e) // '!' … '~'
  range(0xa1, 0xac) // '¡' … '¬'
  range(0xae, 0xff) // '®' … 'ÿ'
  const cs = [...bs]
  let n = 0
  for (let b = 0; b < 256; b++) {
    if (!bs.includes(b)) {
      bs.push(b)
      cs.push(256 + n++)
    }
  }
  const byByte = new Array<string>(256)
  bs.forEach((b, i) => (byByte[b] = String.fromCharCode(cs[i]!)))
  return { byByte, order: cs.map((c) => String.fromCharCode(c)) }
}

const ALPHABET = buildByteAlphabet()

/** The character standing for each byte value. */
export const BYTE_TO_CHAR: readonly string[] = ALPHABET.byByte
/** The 256 byte characters in CLIP's vocabulary order. */
export const BYTE_CHARS_IN_VOCAB_ORDER: readonly string[] = ALPHABET.order

const encoder = new TextEncoder()

/** A pre-token's UTF-8 bytes as byte-level characters (what the BPE model sees). */
export function toByteLevel(text: string): string {
  return Array.from(encoder.encode(text), (b) => BYTE_TO_CHAR[b]!).join('')
}
