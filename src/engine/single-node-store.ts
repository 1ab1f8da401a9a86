/**
 * The built-in store stays single-node (issue 7, item 6; ARCHITECTURE.md §8): its objects live in one
 * node's data dir, so a second node on the same database would run jobs over objects it cannot see. At
 * start a node registers itself in the node registry (which records its store kind) and then looks for
 * other live nodes; the shapes that cannot work are refused with one line:
 * - any live node keeps its objects in a built-in store → nobody may join;
 * - this node has the built-in store and a live node exists (it has a remote store) → refused too.
 * Registering before looking means two nodes starting at the same moment both see each other and both
 * refuse, never both start.
 */
import os from 'node:os';
import type { NodeInfo, NodeRegistry, StoreKind } from './node-registry.js';

export interface StartingNode {
  readonly nodeId: string;
  readonly storeKind: StoreKind;
  readonly startedAt: number;
}

/** Node ids started by this process (in-process siblings share our pid but are alive). */
const startedHere = new Set<string>();

const pidAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * A registry row left by a dead process on this host (node ids are `host:pid:random`, server.ts): a
 * kill -9'd node restarting within the liveness TTL must not be refused by its own ghost.
 */
function deadOnThisHost(n: NodeInfo): boolean {
  const [host, pidText] = n.nodeId.split(':');
  const pid = Number(pidText);
  if (host !== os.hostname() || !Number.isInteger(pid) || startedHere.has(n.nodeId)) return false;
  return pid === process.pid || !pidAlive(pid);
}

const REMOTE_HINT = 'run several nodes only with a remote object store on every node (docs/operations.md)';

/** The refusal for this shape, or undefined when the node may start. */
function conflict(self: StartingNode, others: readonly NodeInfo[]): string | undefined {
  const builtin = others.find((n) => n.storeKind === 'builtin');
  if (builtin) {
    return (
      `the database is in use by live node ${builtin.nodeId}, which keeps its objects in the built-in ` +
      `store; the built-in store is single-node: stop that node first, or ${REMOTE_HINT}`
    );
  }
  const remote = others[0];
  if (self.storeKind === 'builtin' && remote) {
    return (
      `the database is in use by live node ${remote.nodeId} with a remote store; a node with the built-in ` +
      `store cannot join it (its objects would be invisible to the other nodes): start this node with ` +
      `the remote store the others use`
    );
  }
  return undefined;
}

/**
 * Registers `self` (a heartbeat row) and returns the one-line refusal when the database's live nodes and
 * this node's store kind cannot work together; on refusal the row is removed again. `ttlMs` is the
 * liveness window (the lease TTL: a node silent for longer is dead and its leases are taken over).
 */
export async function checkStoreSharing(
  nodes: NodeRegistry,
  self: StartingNode,
  now: number,
  ttlMs: number,
): Promise<string | undefined> {
  await nodes.heartbeat({ ...self, now });
  const live = await nodes.listLive(now, ttlMs);
  const others: NodeInfo[] = [];
  for (const n of live) {
    if (n.nodeId === self.nodeId) continue;
    if (deadOnThisHost(n)) await nodes.remove(n.nodeId);
    else others.push(n);
  }
  const refusal = conflict(self, others);
  if (refusal) await nodes.remove(self.nodeId);
  else startedHere.add(self.nodeId);
  return refusal;
}

/**
 * For a server with the built-in store: the refusal, or undefined. Embedded SQLite is this process's
 * alone (the data-dir lock), so only a shared database (PostgreSQL) can hold other nodes.
 */
export async function storeSharingRefusal(
  backend: { readonly kind: 'sqlite' | 'postgres'; readonly nodes: NodeRegistry },
  self: { readonly nodeId: string; readonly storeKind: StoreKind },
  now: number,
  ttlMs: number,
): Promise<string | undefined> {
  if (backend.kind === 'sqlite') return undefined;
  return checkStoreSharing(backend.nodes, { ...self, startedAt: now }, now, ttlMs);
}

/** A stop (or a failed start): the node's row goes, and its id no longer counts as an in-process sibling. */
export async function forgetStartedNode(nodes: NodeRegistry, nodeId: string): Promise<void> {
  startedHere.delete(nodeId);
  await nodes.remove(nodeId);
}
