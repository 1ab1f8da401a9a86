/**
 * A small typed event emitter: event names and payloads are checked at compile time. Listeners run
 * synchronously in emit order; a throwing listener is isolated (logged by nobody, never breaks the engine).
 */
export class TypedEmitter<Events extends Record<string, unknown>> {
  private readonly listeners = new Map<keyof Events, Set<(payload: never) => void>>();

  on<K extends keyof Events>(event: K, listener: (payload: Events[K]) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener);
    return () => set.delete(listener);
  }

  /** Resolves with the first payload of `event` that satisfies `match` (tests wait on engine events). */
  once<K extends keyof Events>(
    event: K,
    match: (payload: Events[K]) => boolean = () => true,
  ): Promise<Events[K]> {
    return new Promise((resolve) => {
      const off = this.on(event, (payload) => {
        if (!match(payload)) return;
        off();
        resolve(payload);
      });
    });
  }

  emit<K extends keyof Events>(event: K, payload: Events[K]): void {
    const set = this.listeners.get(event);
    if (!set) return;
    for (const l of [...set]) {
      try {
        (l as (p: Events[K]) => void)(payload);
      } catch {
        // Listeners are observers (metrics, logs, tests): their failure must not change what the engine does.
      }
    }
  }
}
