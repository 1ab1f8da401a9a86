import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createBackend, type Backend } from '../../src/db/backend.js';
import { createIamService, type IamAdmin, type IamServiceOptions } from '../../src/iam/index.js';
import type { Iam, Principal, RequestContext } from '../../src/iam/types.js';
import type { Clock } from '../../src/protocol/clock.js';
import { parseAndCompilePolicy, type CompiledPolicy } from '../../src/iam/policy/compile.js';
import type { PolicyKind } from '../../src/iam/policy/document.js';

export const ACCOUNT = '1234567890123456';
export const OTHER_ACCOUNT = '6543210987654321';

export const alice: Extract<Principal, { kind: 'user' }> = {
  kind: 'user',
  accountId: ACCOUNT,
  userId: '2000000000000001',
  userName: 'alice',
  arn: `acs:ram::${ACCOUNT}:user/alice`,
  accessKeyId: 'LTAIalice',
};
export const bob: Extract<Principal, { kind: 'user' }> = {
  kind: 'user',
  accountId: ACCOUNT,
  userId: '2000000000000002',
  userName: 'bob',
  arn: `acs:ram::${ACCOUNT}:user/bob`,
  accessKeyId: 'LTAIbob',
};
export const batchRole: Extract<Principal, { kind: 'role' }> = {
  kind: 'role',
  accountId: ACCOUNT,
  roleId: '3000000000000000001',
  roleName: 'BatchRole',
  arn: `acs:ram::${ACCOUNT}:role/BatchRole`,
};
export const root: Principal = { kind: 'root', accountId: ACCOUNT, accessKeyId: 'LTAIroot' };
export const anonymous: Principal = { kind: 'anonymous' };

export const ctx = (over: Partial<RequestContext> = {}): RequestContext => ({
  secureTransport: false,
  currentTime: Date.parse('2026-06-01T12:00:00Z'),
  sourceIp: '10.1.2.3',
  ...over,
});

export const obj = (bucket: string, key: string): string => `acs:oss:cn-hangzhou:${ACCOUNT}:${bucket}/${key}`;
export const bkt = (bucket: string): string => `acs:oss:cn-hangzhou:${ACCOUNT}:${bucket}`;

/** A policy from statements (objects) with Version 1. */
export function policy(kind: PolicyKind, ...statements: object[]): CompiledPolicy {
  return parseAndCompilePolicy(JSON.stringify({ Version: '1', Statement: statements }), kind);
}

export const tmpDir = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'ossbatch-'));

/**
 * The IAM service and the RAM admin of one SQLite backend, as one object (the tests call both sides on it).
 * Built through the one factory, as the server builds them.
 */
export interface IamPair {
  readonly backend: Backend;
  readonly iam: Iam & IamAdmin;
  readonly accountId: string;
  close(): Promise<void>;
}

export async function openIam(
  dataDir: string,
  clock: Clock,
  opts: { accountId?: string; service?: Partial<IamServiceOptions>; notifications?: boolean } = {},
): Promise<IamPair> {
  const backend = await createBackend({ db: { kind: 'sqlite' }, dataDir });
  const accountId = opts.accountId ?? (await backend.iamAdmin.ensureAccountId(clock));
  const service = createIamService({
    directory: backend.iam,
    accountId,
    ...(opts.notifications === false ? {} : { notifications: backend.notifications }),
    ...opts.service,
  });
  return {
    backend,
    iam: combineIam(service, backend.iamAdmin.admin(accountId, clock)),
    accountId,
    close: () => backend.close(),
  };
}

/** One object answering both the IAM service's and the admin's methods. */
export function combineIam(service: Iam, admin: IamAdmin): Iam & IamAdmin {
  return new Proxy(service, {
    get(target, prop, receiver) {
      if (prop in target) return Reflect.get(target, prop, receiver) as unknown;
      return Reflect.get(admin, prop) as unknown;
    },
  }) as Iam & IamAdmin;
}
