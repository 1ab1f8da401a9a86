import type { SqliteDb } from '../../db/sqlite/open.js';

/**
 * A test seam that makes the built-in store's disk look full, for the full-disk tests on machines where a
 * small tmpfs cannot be mounted (mounting needs root; issue 12). It is reachable only in-process — through
 * BuiltinStoreOptions, createBuiltinStoreFor and startServer's StartOptions, which the test harnesses pass —
 * and never from the config, a flag or the environment, so no user can switch it on by accident. Without
 * one (production) the store uses statfs and the database handle as they are, at no cost.
 */
export interface DiskFaults {
  /** Free bytes on the data dir's filesystem, in place of statfs's figure; undefined: the real figure. */
  freeBytes(): number | undefined;
  /**
   * Called before each write of object bytes (a body, a copy, the reserve file) and each statement that
   * writes the store's metadata; throws (ENOSPC, SQLITE_FULL) to make that write fail as a full disk would.
   */
  beforeWrite(target: 'object-bytes' | 'metadata'): void;
}

/** The function-valued property `prop` of `target`, bound to it (native better-sqlite3 methods need their own `this`). */
function bound(target: object, prop: string | symbol): unknown {
  const value: unknown = Reflect.get(target, prop, target);
  return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
}

/**
 * `db` as the store sees it under `faults`: every statement it prepares calls beforeWrite('metadata')
 * before `run` (the only way the store writes, inside or outside a transaction), and so does `exec`.
 */
export function faultyDb(db: SqliteDb, faults: DiskFaults): SqliteDb {
  const statement = <S extends object>(st: S): S =>
    new Proxy(st, {
      get(target, prop) {
        if (prop !== 'run') return bound(target, prop);
        const run = bound(target, prop) as (...a: unknown[]) => unknown;
        return (...args: unknown[]) => {
          faults.beforeWrite('metadata');
          return run(...args);
        };
      },
    });
  return new Proxy(db, {
    get(target, prop) {
      if (prop === 'prepare') return (sql: string) => statement(target.prepare(sql));
      if (prop === 'exec')
        return (sql: string) => {
          faults.beforeWrite('metadata');
          return target.exec(sql);
        };
      return bound(target, prop);
    },
  });
}
