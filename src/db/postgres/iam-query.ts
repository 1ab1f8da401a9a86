import type pg from 'pg';
import { IAM_SQL, IAM_WRITE_LOCK_KEY, type IamSqlName } from './iam-sql.js';
import { inTransaction } from './pool.js';

/** Runs one statement of IAM_SQL by name. */
export type IamQuery = <R extends pg.QueryResultRow>(
  name: IamSqlName,
  values?: unknown[],
) => Promise<pg.QueryResult<R>>;

export const iamQuery =
  (c: Pick<pg.Pool, 'query'>): IamQuery =>
  (name, values = []) =>
    c.query({ text: IAM_SQL[name], values });

/**
 * One IAM write transaction holding a transaction-scoped advisory lock, so check-then-write rules (the
 * two-keys limit, delete conflicts, one root key) hold across nodes; the IAM trigger of migration 001 bumps
 * the generation and NOTIFYs inside it.
 */
export function iamWrite<T>(pool: pg.Pool, fn: (q: IamQuery) => Promise<T>): Promise<T> {
  return inTransaction(pool, async (c) => {
    await c.query(IAM_SQL.lock, [IAM_WRITE_LOCK_KEY]);
    return fn(iamQuery(c));
  });
}
