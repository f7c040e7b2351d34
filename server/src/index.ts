export { buildApp } from './app.js';
export { API_ROUTES, type RouteModule } from './routes.js';
export { loadConfig, type Config } from './config.js';
export { createRuntime } from './runtime.js';
export { startLectern, type Lectern } from './lectern.js';
