/**
 * Flips the security fuses (main/electron/fuses.ts) in a packaged app's Electron binary. Run it on
 * the binary inside the package, before signing:
 *
 *   node --import tsx tools/package/apply-fuses.ts path/to/STDD\ Explorer(.exe|.app/Contents/MacOS/...)
 *
 * It uses the `@electron/fuses` dev dependency (1.8: its 2.x needs Node 22).
 */
import { applyFuses, FUSES, type FusesModule } from '../../main/electron/fuses'

const binary = process.argv[2]
if (!binary) {
  console.error('usage: node --import tsx tools/package/apply-fuses.ts <packaged Electron binary>')
  process.exit(2)
}
const specifier = '@electron/fuses'
let fuses: FusesModule
try {
  fuses = (await import(specifier)) as FusesModule
} catch {
  console.error('@electron/fuses is not installed: run "npm install -D @electron/fuses" first')
  process.exit(1)
}
await applyFuses(fuses, binary)
console.log(`fuses set in ${binary}: ${Object.entries(FUSES).map(([k, v]) => `${k}=${v ? 'on' : 'off'}`).join(', ')}`)
