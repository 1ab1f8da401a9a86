/** The synchronous shape of an async port: what a better-sqlite3 implementation provides. */
export type Syncified<T> = {
  [K in keyof T]: T[K] extends (...args: infer A) => Promise<infer R> ? (...args: A) => R : T[K];
};

/**
 * Wraps a synchronous better-sqlite3 implementation as its async port (ARCHITECTURE.md §3: every port is
 * async, as Kysely's SQLite driver is). A throw becomes a rejection. The work itself still runs at once,
 * on the caller's turn: a better-sqlite3 transaction never spans an await, so two callers never interleave.
 */
export function asyncFacade<T extends object>(sync: Syncified<T>): T {
  const out: Record<string, unknown> = {};
  const source = sync as unknown as Record<string, unknown>;
  for (const name of propertyNames(sync)) {
    const value = source[name];
    if (typeof value === 'function') {
      const fn = value as (...args: unknown[]) => unknown;
      out[name] = (...args: unknown[]): Promise<unknown> => {
        try {
          return Promise.resolve(fn.apply(sync, args));
        } catch (e) {
          return Promise.reject(e instanceof Error ? e : new Error(String(e)));
        }
      };
    } else {
      Object.defineProperty(out, name, { get: () => source[name], enumerable: true });
    }
  }
  return out as T;
}

/** Own and inherited property names (class methods live on prototypes), Object.prototype excluded. */
function propertyNames(obj: object): Set<string> {
  const names = new Set<string>();
  for (
    let o: object | null = obj;
    o !== null && o !== Object.prototype;
    o = Object.getPrototypeOf(o) as object | null
  ) {
    for (const n of Object.getOwnPropertyNames(o)) if (n !== 'constructor') names.add(n);
  }
  return names;
}
