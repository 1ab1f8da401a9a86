import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSqlite } from '../../src/db/sqlite.js';
import { createSqliteIam, ensureAccountId, ensureRootAccount } from '../../src/iam/index.js';
import { systemClock } from '../../src/protocol/clock.js';
import { tmpDir } from './iam-fixtures.js';

const fresh = () => path.join(tmpDir(), 'ossbatch.db');

describe('ensureRootAccount', () => {
  it('generates root credentials once and keeps them across restarts', () => {
    const file = fresh();
    let db = openSqlite(file);
    const first = ensureRootAccount(db, {});
    expect(first.generated).toBe(true);
    expect(first.accountId).toMatch(/^[1-9]\d{15}$/);
    expect(first.accessKeyId).toMatch(/^LTAI[A-Za-z0-9]{20}$/);
    expect(first.secret).toMatch(/^[A-Za-z0-9]{30}$/);
    db.close();
    db = openSqlite(file);
    expect(ensureRootAccount(db, {})).toEqual({ ...first, generated: false });
    const iam = createSqliteIam(db, {
      accountId: first.accountId,
      region: 'cn-hangzhou',
      clock: systemClock,
    });
    expect(iam.findAccessKey(first.accessKeyId)).toEqual({
      accessKeyId: first.accessKeyId,
      secret: first.secret,
      active: true,
      principal: { kind: 'root', accountId: first.accountId, accessKeyId: first.accessKeyId },
    });
    db.close();
  });

  it('lets the environment win, persists it, and replaces the old root key', () => {
    const file = fresh();
    let db = openSqlite(file);
    const generated = ensureRootAccount(db, {});
    const fromEnv = ensureRootAccount(db, {
      accessKeyId: 'LTAIenvkey',
      secret: 'envsecret',
      accountId: '1111222233334444',
    });
    expect(fromEnv).toEqual({
      accountId: '1111222233334444',
      accessKeyId: 'LTAIenvkey',
      secret: 'envsecret',
      generated: false,
    });
    db.close();
    db = openSqlite(file);
    expect(ensureRootAccount(db, {})).toEqual(fromEnv);
    const iam = createSqliteIam(db, {
      accountId: fromEnv.accountId,
      region: 'cn-hangzhou',
      clock: systemClock,
    });
    expect(iam.findAccessKey(generated.accessKeyId)).toBeUndefined();
    expect(iam.findAccessKey('LTAIenvkey')?.principal).toEqual({
      kind: 'root',
      accountId: '1111222233334444',
      accessKeyId: 'LTAIenvkey',
    });
    db.close();
  });

  it('keeps an account id made by the CLI before the server first started', () => {
    const db = openSqlite(fresh());
    const accountId = ensureAccountId(db);
    const root = ensureRootAccount(db, {});
    expect(root.accountId).toBe(accountId);
    expect(root.generated).toBe(true);
    db.close();
  });

  it('refuses half-given credentials and a non-numeric account id', () => {
    const db = openSqlite(fresh());
    expect(() => ensureRootAccount(db, { accessKeyId: 'LTAIx' })).toThrow(
      /both the access key id and the secret/,
    );
    expect(() => ensureRootAccount(db, { accountId: 'abc' })).toThrow(/digits only/);
    db.close();
  });
});
