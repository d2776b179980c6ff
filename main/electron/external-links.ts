/**
 * The sites a link in the window may open in the system browser (`shell.openExternal`): the paper,
 * the code and model hosts the app's texts point to. Anything else, any scheme but https, a port or
 * credentials in the URL, is never handed to the OS.
 */
export const EXTERNAL_LINK_HOSTS: readonly string[] = ['arxiv.org', 'github.com', 'huggingface.co', 'ojs.aaai.org', 'pytorch.org', 'www.tensorflow.org']

export function isAllowedExternalUrl(raw: string): boolean {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return false
  }
  return url.protocol === 'https:' && url.port === '' && url.username === '' && url.password === '' && EXTERNAL_LINK_HOSTS.includes(url.hostname)
}
