export {
  createEngine,
  DEFAULT_MAX_ACTIVE_JOBS,
  FAILURE_MIN_TASKS,
  type Engine,
  type EngineDeps,
  type EnginePorts,
} from './engine.js';
export { EngineEvents, type EngineEventMap } from './events.js';
export type { ChunkRepo, ChunkRow } from './chunk-repo.js';
export { SUSPEND_TIMEOUT_MS } from './scheduler.js';
