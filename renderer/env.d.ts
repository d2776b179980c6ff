/// <reference types="vite/client" />
import type { StddBridge } from '../contract/api-runtime'

declare global {
  interface Window {
    /** The contract: the preload bridge in Electron, installed by api/bridge.ts in a browser. */
    api?: StddBridge
    /** Set once the first screen has loaded its data (used by the end-to-end test). */
    __stddReady?: boolean
  }
}

declare module '*.vue' {
  import type { DefineComponent } from 'vue'
  const component: DefineComponent<object, object, unknown>
  export default component
}
