import type { EngineContext } from '../engine'
import { settingsState, writeSettings } from '../settings/app-settings'
import type { Handlers } from './index'

/** The Settings view's commands: read the settings (with what the environment overrides), change some. */
export function settingsHandlers(ctx: EngineContext): Pick<Handlers, 'settings.get' | 'settings.set'> {
  return {
    'settings.get': () => settingsState(ctx.db),
    'settings.set': (patch) => {
      const state = writeSettings(ctx.db, patch)
      ctx.log.info('settings', `changed ${Object.keys(patch).join(', ') || 'nothing'}`)
      return state
    },
  }
}
