import { z } from 'zod'

/** Whether `text` has a C0 or C1 control character (NUL, ESC, DEL, …); `allowLines` lets tab and newline through. */
function hasControl(text: string, allowLines: boolean): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if ((c < 0x20 || (c >= 0x7f && c <= 0x9f)) && !(allowLines && (c === 0x09 || c === 0x0a))) return true
  }
  return false
}
/** A UTF-16 surrogate without its partner: not a character, and not encodable as UTF-8. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/

/** Why `text` is not printable text, or null when it is. */
export function unprintableReason(text: string, allowLines = false): string | null {
  if (hasControl(text, allowLines)) return `must not contain control characters (U+0000–U+001F, U+007F–U+009F${allowLines ? ' other than tab and newline' : ''})`
  if (LONE_SURROGATE.test(text)) return 'must not contain unpaired UTF-16 surrogates (not valid Unicode text)'
  return null
}

/** A string schema refined to printable text (see {@link unprintableReason}). */
export function printable(schema: z.ZodString, allowLines = false): z.ZodType<string, string> {
  return schema.superRefine((text, ctx) => {
    const reason = unprintableReason(text, allowLines)
    if (reason) ctx.addIssue({ code: 'custom', message: reason })
  })
}
