import { symlinkSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { protocol } from '../../mocks/electron'
import { APP_SCHEME, appProtocolHandler, installAppProtocol, registerAppScheme, WINDOW_CSP } from '../../../main/electron/app-protocol'
import { writeFakeUi } from '../../helpers/fake-ui'
import { tempDir } from '../../helpers/temp-dir'

let dir: ReturnType<typeof tempDir>
let handle: (r: Request) => Promise<Response>

beforeAll(() => {
  dir = tempDir()
  const ui = writeFakeUi(dir.path)
  symlinkSync(join(dir.path, 'secret.txt'), join(ui, 'assets', 'link.txt'))
  handle = appProtocolHandler(ui)
})
afterAll(() => dir.remove())

/** A request as Electron hands it over: the URL exactly as the page asked for it. */
function raw(url: string, method = 'GET'): Request {
  const req = new Request('https://placeholder/', { method })
  Object.defineProperty(req, 'url', { value: url })
  return req
}

describe('the app:// protocol', () => {
  it('is registered privileged (standard, secure) and handled', () => {
    registerAppScheme()
    expect(protocol.registerSchemesAsPrivileged).toHaveBeenCalledWith([expect.objectContaining({ scheme: APP_SCHEME, privileges: expect.objectContaining({ standard: true, secure: true }) })])
    installAppProtocol(join(dir.path, 'renderer'))
    expect(protocol.handle).toHaveBeenCalledWith(APP_SCHEME, expect.any(Function))
  })

  it('serves the renderer with its type and the window CSP header', async () => {
    const page = await handle(raw('app://stdd/index.html'))
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('<title>STDD</title>')
    expect(page.headers.get('content-security-policy')).toBe(WINDOW_CSP)
    const js = await handle(raw('app://stdd/assets/app.js'))
    expect(js.headers.get('content-type')).toMatch(/javascript/)
    expect((await handle(raw('app://stdd/'))).status).toBe(200)
  })

  it('refuses "..", encoded traversal, symlinks out, other hosts and malformed paths', async () => {
    for (const url of ['app://stdd/../secret.txt', 'app://stdd/assets/..%2f..%2fsecret.txt', 'app://stdd/%2e%2e/secret.txt', 'app://stdd/..\\secret.txt', 'app://stdd/assets/link.txt', 'app://other/index.html', 'app://stdd/%', 'app://stdd/assets']) {
      const r = await handle(raw(url))
      expect(r.status, url).toBeGreaterThanOrEqual(400)
      expect(await r.text(), url).not.toContain('do not serve')
    }
    expect((await handle(raw('app://stdd/../secret.txt'))).status).toBe(403)
    expect((await handle(raw('app://stdd/index.html', 'POST'))).status).toBe(405)
  })
})
