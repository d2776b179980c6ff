/**
 * Text made safe to put into HTML: ECharts shows a formatter's return value as markup (tooltips are
 * HTML), so every formatter escapes the text it returns (a relation `<b id=x>` from an LLM answer, an
 * imported file or the editor must show as those characters, never become an element).
 */
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]!)
}
