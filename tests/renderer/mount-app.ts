import { flushPromises, mount } from '@vue/test-utils'
import { createPinia } from 'pinia'

/**
 * Mounts the whole explorer at `path`: App with a fresh Pinia and the app's router, attached to the document.
 * Set `window.api` first: the views are imported only now, so their stores see that bridge.
 */
export async function mountApp(path: string) {
  const { default: App } = await import('../../renderer/App.vue')
  const { createExplorerRouter } = await import('../../renderer/router')
  const router = createExplorerRouter()
  await router.push(path)
  const wrapper = mount(App, { global: { plugins: [createPinia(), router] }, attachTo: document.body })
  await flushPromises()
  return { wrapper, router }
}
