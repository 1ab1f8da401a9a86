import type { NodeInfo, NodeRegistry, StoreKind } from '../../engine/node-registry.js';
import { asyncFacade } from './async-facade.js';
import type { SqliteDb } from './open.js';

interface NodeRow {
  node_id: string;
  store_kind: StoreKind;
  started_at: number;
  seen_at: number;
}

export function createSqliteNodeRegistry(db: SqliteDb): NodeRegistry {
  const st = {
    beat: db.prepare(`INSERT INTO nodes (node_id, store_kind, started_at, seen_at)
      VALUES (:nodeId, :storeKind, :startedAt, :now)
      ON CONFLICT (node_id) DO UPDATE SET store_kind = excluded.store_kind, seen_at = excluded.seen_at`),
    live: db.prepare('SELECT * FROM nodes WHERE seen_at >= ? ORDER BY started_at, node_id'),
    remove: db.prepare('DELETE FROM nodes WHERE node_id = ?'),
  };
  return asyncFacade<NodeRegistry>({
    heartbeat(node) {
      st.beat.run(node);
    },
    listLive(now, ttlMs) {
      return (st.live.all(now - ttlMs) as NodeRow[]).map((r): NodeInfo => ({
        nodeId: r.node_id,
        storeKind: r.store_kind,
        startedAt: r.started_at,
        seenAt: r.seen_at,
      }));
    },
    remove(nodeId) {
      st.remove.run(nodeId);
    },
  });
}
