import { vi } from 'vitest'

// Electron cannot be launched or even required here: every main-process test gets this one mock.
vi.mock('electron', () => import('./mocks/electron'))
