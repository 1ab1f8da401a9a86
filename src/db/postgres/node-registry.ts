import type pg from 'pg';
import type { NodeInfo, NodeRegistry, StoreKind } from '../../engine/node-registry.js';

interface NodeRow {
  node_id: string;
  store_kind: StoreKind;
  started_at: number;
  seen_at: number;
}

const SQL = {
  beat: `INSERT INTO nodes (node_id, store_kind, started_at, seen_at) VALUES ($1, $2, $3, $4)
    ON CONFLICT (node_id) DO UPDATE SET store_kind = excluded.store_kind, seen_at = excluded.seen_at`,
  live: 'SELECT node_id, store_kind, started_at, seen_at FROM nodes WHERE seen_at >= $1 ORDER BY started_at, node_id',
  remove: 'DELETE FROM nodes WHERE node_id = $1',
} as const;

export function createPgNodeRegistry(pool: pg.Pool): NodeRegistry {
  return {
    async heartbeat({ nodeId, storeKind, startedAt, now }) {
      await pool.query({ name: 'nodes.beat', text: SQL.beat, values: [nodeId, storeKind, startedAt, now] });
    },
    async listLive(now, ttlMs) {
      const { rows } = await pool.query<NodeRow>({
        name: 'nodes.live',
        text: SQL.live,
        values: [now - ttlMs],
      });
      return rows.map((r): NodeInfo => ({
        nodeId: r.node_id,
        storeKind: r.store_kind,
        startedAt: r.started_at,
        seenAt: r.seen_at,
      }));
    },
    async remove(nodeId) {
      await pool.query(SQL.remove, [nodeId]);
    },
  };
}
