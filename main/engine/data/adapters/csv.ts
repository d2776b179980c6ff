/** Splits one CSV line into fields (RFC 4180 quotes: `"a, b"`, `"say ""hi"""`). Returns null on an unclosed quote. */
export function parseCsvLine(line: string): string[] | null {
  const fields: string[] = []
  let field = ''
  let quoted = false
  for (let i = 0; i < line.length; i++) {
    const c = line[i]
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"'
        i++
      } else if (c === '"') quoted = false
      else field += c
    } else if (c === '"' && field === '') quoted = true
    else if (c === ',') {
      fields.push(field)
      field = ''
    } else field += c
  }
  if (quoted) return null
  fields.push(field)
  return fields
}
