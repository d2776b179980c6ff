/** The application version, as in package.json (checked by a test). */
export const APP_VERSION = '0.1.0'
