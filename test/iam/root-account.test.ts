import { describe, expect, it } from 'vitest';
import { createBackend, type Backend } from '../../src/db/backend.js';
import { createIamService, type RootAccountEnv } from '../../src/iam/index.js';
import { systemClock } from '../../src/protocol/clock.js';
import { tmpDir } from './iam-fixtures.js';

/** A data dir; each `open` is a server start on it (through the one factory). */
const fresh = (): string => tmpDir();
const openDir = (dir: string): Promise<Backend> => createBackend({ db: { kind: 'sqlite' }, dataDir: dir });
const ensureRootAccount = (b: Backend, env: RootAccountEnv) => b.iamAdmin.ensureRootAccount(env, systemClock);
const ensureAccountId = (b: Backend) => b.iamAdmin.ensureAccountId(systemClock);
const serviceOf = (b: Backend, accountId: string) => createIamService({ directory: b.iam, accountId });

describe('ensureRootAccount', () => {
  it('generates root credentials once and keeps them across restarts', async () => {
    const file = fresh();
    let db = await openDir(file);
    const first = await ensureRootAccount(db, {});
    expect(first.generated).toBe(true);
    expect(first.accountId).toMatch(/^[1-9]\d{15}$/);
    expect(first.accessKeyId).toMatch(/^LTAI[A-Za-z0-9]{20}$/);
    expect(first.secret).toMatch(/^[A-Za-z0-9]{30}$/);
    await db.close();
    db = await openDir(file);
    expect(await ensureRootAccount(db, {})).toEqual({ ...first, generated: false });
    const iam = serviceOf(db, first.accountId);
    expect(await iam.findAccessKey(first.accessKeyId)).toEqual({
      accessKeyId: first.accessKeyId,
      secret: first.secret,
      active: true,
      principal: { kind: 'root', accountId: first.accountId, accessKeyId: first.accessKeyId },
    });
    await db.close();
  });

  it('lets the environment win, persists it, and replaces the old root key', async () => {
    const file = fresh();
    let db = await openDir(file);
    const generated = await ensureRootAccount(db, {});
    const fromEnv = await ensureRootAccount(db, {
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
    await db.close();
    db = await openDir(file);
    expect(await ensureRootAccount(db, {})).toEqual(fromEnv);
    const iam = serviceOf(db, fromEnv.accountId);
    expect(await iam.findAccessKey(generated.accessKeyId)).toBeUndefined();
    expect((await iam.findAccessKey('LTAIenvkey'))?.principal).toEqual({
      kind: 'root',
      accountId: '1111222233334444',
      accessKeyId: 'LTAIenvkey',
    });
    await db.close();
  });

  it('keeps an account id made by the CLI before the server first started', async () => {
    const db = await openDir(fresh());
    const accountId = await ensureAccountId(db);
    const root = await ensureRootAccount(db, {});
    expect(root.accountId).toBe(accountId);
    expect(root.generated).toBe(true);
    await db.close();
  });

  it('refuses half-given credentials and a non-numeric account id', async () => {
    const db = await openDir(fresh());
    await expect(ensureRootAccount(db, { accessKeyId: 'LTAIx' })).rejects.toThrow(
      /both the access key id and the secret/,
    );
    await expect(ensureRootAccount(db, { accountId: 'abc' })).rejects.toThrow(/digits only/);
    await db.close();
  });
});
