export { buildApp, type RouteModule } from './app.js';
export { loadConfig, type Config } from './config.js';
export { createRuntime } from './runtime.js';
export { startLectern, type Lectern } from './lectern.js';
