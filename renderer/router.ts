import { createRouter, createWebHashHistory, type RouteRecordRaw } from 'vue-router'
import RunsView from './views/RunsView.vue'

/**
 * The explorer's views. A view and its selection is a URL (`#/compare?runs=3,5,8`), so a link can be
 * shared or bookmarked. Hash history works the same under `app://` in Electron and under `stdd serve`.
 */
export const routes: RouteRecordRaw[] = [
  { path: '/', redirect: '/runs' },
  { path: '/runs', name: 'runs', component: RunsView, meta: { title: 'Runs' } },
  { path: '/compare', name: 'compare', component: () => import('./views/CompareView.vue'), meta: { title: 'Compare' } },
  { path: '/ablations', name: 'ablations', component: () => import('./views/AblationsView.vue'), meta: { title: 'Ablations' } },
  { path: '/per-class', name: 'per-class', component: () => import('./views/PerClassView.vue'), meta: { title: 'Per-class' } },
  { path: '/maps', name: 'maps', component: () => import('./views/MapsView.vue'), meta: { title: 'Maps' } },
  {
    // The editor's selection (`/graphs/<graph>/v/<version>/class/<index>`) is a child, so the view stays mounted while it changes.
    path: '/graphs',
    name: 'graphs',
    component: () => import('./views/KnowledgeGraphsView.vue'),
    meta: { title: 'Knowledge graphs' },
    children: [{ path: ':graphName/v/:version/class/:classIndex', name: 'graph-class', component: { render: () => null } }],
  },
  { path: '/settings', name: 'settings', component: () => import('./views/SettingsView.vue'), meta: { title: 'Settings' } },
  { path: '/:unknown(.*)*', redirect: '/runs' },
]

export function createExplorerRouter() {
  return createRouter({ history: createWebHashHistory(), routes })
}
