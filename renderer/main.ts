import { createApp } from 'vue'
import { createPinia } from 'pinia'
import App from './App.vue'
import { createExplorerRouter } from './router'
import './styles/theme.css'

createApp(App).use(createPinia()).use(createExplorerRouter()).mount('#app')
