import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backend, IamAdmin } from '../../src/db/backend.js';
import { IamAdminError } from '../../src/iam/admin-types.js';
import { ManualClock } from '../../src/protocol/clock.js';
import { backendFactories, suiteTitle, type TestDatabase } from './backends.js';

const BACKENDS = backendFactories('iam');
afterAll(async () => {
  for (const f of BACKENDS) await f.dropAll();
});

const ALLOW_GET = '{"Version":"1","Statement":[{"Effect":"Allow","Action":"oss:GetObject","Resource":"*"}]}';
const ALLOW_PUT = '{"Version":"1","Statement":[{"Effect":"Allow","Action":"oss:PutObject","Resource":"*"}]}';
const TRUST_OSS =
  '{"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"Service":["oss.aliyuncs.com"]}}]}';

/** The IamAdminError code a promise rejects with (undefined when it resolves). */
const codeOf = (p: Promise<unknown>): Promise<string | undefined> =>
  p.then(
    () => undefined,
    (e: unknown) => (e instanceof IamAdminError ? e.code : `not an IamAdminError: ${String(e)}`),
  );

for (const factory of BACKENDS) {
  describe.skipIf(factory.skip !== undefined)(suiteTitle(factory, 'IAM directory and admin contract'), () => {
    let db: TestDatabase;
    let a: Backend;
    let b: Backend;
    let admin: IamAdmin;
    let adminB: IamAdmin;
    const clock = new ManualClock(1_700_000_000_000);

    /** Runs a write and asserts the change token moved (read on the other backend). */
    async function changes<T>(write: () => Promise<T>): Promise<T> {
      const before = await b.iam.changeToken();
      const out = await write();
      expect(await b.iam.changeToken()).not.toBe(before);
      return out;
    }

    beforeAll(async () => {
      db = await factory.open();
      a = db.backend;
      b = await db.another();
    });

    it('creates the account on first use only, and the root key from the env or generated once', async () => {
      expect(await a.iamAdmin.storedAccountId()).toBeUndefined();
      const accountId = await changes(() => a.iamAdmin.ensureAccountId(clock));
      expect(accountId).toMatch(/^\d{16}$/);
      expect(await b.iamAdmin.ensureAccountId(clock)).toBe(accountId);
      expect(await b.iamAdmin.storedAccountId()).toBe(accountId);
      const root = await a.iamAdmin.ensureRootAccount({}, clock);
      expect(root).toMatchObject({ accountId, generated: true });
      expect(await b.iamAdmin.ensureRootAccount({}, clock)).toEqual({ ...root, generated: false });
      expect(await b.iam.findAccessKey(root.accessKeyId)).toEqual({
        accessKeyId: root.accessKeyId,
        secret: root.secret,
        active: true,
        userId: null,
        userName: null,
      });
      const env = { accessKeyId: 'LTAIenvroot', secret: 'envsecret', accountId: '123456789' };
      expect(await changes(() => b.iamAdmin.ensureRootAccount(env, clock))).toEqual({
        ...env,
        generated: false,
      });
      expect(await a.iam.findAccessKey(root.accessKeyId)).toBeUndefined(); // replaced
      expect(await a.iamAdmin.storedAccountId()).toBe('123456789');
      await expect(a.iamAdmin.ensureRootAccount({ accessKeyId: 'x' }, clock)).rejects.toThrow(/both/);
      admin = a.iamAdmin.admin('123456789', clock);
      adminB = b.iamAdmin.admin('123456789', clock);
    });

    it('users and access keys round-trip; names are unique ignoring case; at most two keys', async () => {
      const alice = await changes(() => admin.createUser({ userName: 'Alice', comments: 'c' }));
      expect(alice).toMatchObject({
        UserName: 'Alice',
        DisplayName: 'Alice',
        Comments: 'c',
        Arn: 'acs:ram::123456789:user/Alice',
      });
      expect(await adminB.getUser('alice')).toEqual(alice);
      expect(await codeOf(adminB.createUser({ userName: 'ALICE' }))).toBe('EntityAlreadyExists');
      expect(await codeOf(adminB.createUser({ userName: 'bad name' }))).toBe('InvalidParameter');
      expect(await codeOf(adminB.getUser('nobody'))).toBe('EntityNotExist');
      await admin.createUser({ userName: 'bob' });
      expect((await adminB.listUsers()).map((u) => u.UserName)).toEqual(['Alice', 'bob']);

      const k1 = await changes(() => admin.createAccessKey('Alice'));
      const k2 = await adminB.createAccessKey('alice');
      expect(await codeOf(admin.createAccessKey('Alice'))).toBe('LimitExceeded');
      expect((await adminB.listAccessKeys('Alice')).map((k) => k.AccessKeyId).sort()).toEqual(
        [k1.AccessKeyId, k2.AccessKeyId].sort(),
      );
      expect(await b.iam.findAccessKey(k1.AccessKeyId)).toEqual({
        accessKeyId: k1.AccessKeyId,
        secret: k1.AccessKeySecret,
        active: true,
        userId: alice.UserId,
        userName: 'Alice',
      });
      await changes(() => adminB.updateAccessKey('Alice', k1.AccessKeyId, 'Inactive'));
      expect((await a.iam.findAccessKey(k1.AccessKeyId))?.active).toBe(false);
      expect(await codeOf(admin.updateAccessKey('bob', k1.AccessKeyId, 'Active'))).toBe('EntityNotExist');
      await changes(() => admin.deleteAccessKey('Alice', k2.AccessKeyId));
      expect(await codeOf(admin.deleteAccessKey('Alice', k2.AccessKeyId))).toBe('EntityNotExist');
    });

    it('policies attach to users and roles; documents come back in attach order; attached policies are not deleted', async () => {
      await changes(() =>
        admin.createPolicy({ policyName: 'get-only', policyDocument: ALLOW_GET, description: 'g' }),
      );
      expect(await codeOf(adminB.createPolicy({ policyName: 'GET-ONLY', policyDocument: ALLOW_GET }))).toBe(
        'EntityAlreadyExists',
      );
      expect(
        await codeOf(adminB.createPolicy({ policyName: 'broken', policyDocument: '{"Version":"1"' })),
      ).toBe('MalformedPolicyDocument');
      const alice = await adminB.getUser('Alice');
      clock.advance(1000);
      await changes(() => admin.attachPolicyToUser('AliyunOSSReadOnlyAccess', 'Alice'));
      clock.advance(1000);
      await changes(() => adminB.attachPolicyToUser('Get-Only', 'alice'));
      expect(await a.iam.policyDocuments('User', alice.UserId)).toEqual([
        (await admin.getPolicy('AliyunOSSReadOnlyAccess', 'System')).PolicyDocument,
        ALLOW_GET,
      ]);
      expect((await admin.getPolicy('get-only')).AttachmentCount).toBe(1);
      expect(await codeOf(adminB.deletePolicy('get-only'))).toBe('DeleteConflict');
      const v2 = await changes(() => admin.createPolicyVersion('get-only', ALLOW_PUT));
      expect(v2).toMatchObject({ DefaultVersion: 'v2', PolicyDocument: ALLOW_PUT });
      expect(await b.iam.policyDocuments('User', alice.UserId)).toContain(ALLOW_PUT);

      const role = await changes(() =>
        adminB.createRole({ roleName: 'Batch-Role', assumeRolePolicyDocument: TRUST_OSS }),
      );
      expect(role).toMatchObject({
        RoleName: 'Batch-Role',
        Arn: 'acs:ram::123456789:role/Batch-Role',
        MaxSessionDuration: 3600,
      });
      expect(await a.iam.findRole('batch-role')).toEqual({
        roleId: role.RoleId,
        roleName: 'Batch-Role',
        assumeRolePolicy: TRUST_OSS,
      });
      expect(
        await codeOf(admin.createRole({ roleName: 'BATCH-ROLE', assumeRolePolicyDocument: TRUST_OSS })),
      ).toBe('EntityAlreadyExists');
      await admin.attachPolicyToRole('get-only', 'Batch-Role');
      expect(await b.iam.policyDocuments('Role', role.RoleId)).toEqual([ALLOW_PUT]);
      expect((await adminB.listPoliciesForRole('batch-role')).map((p) => p.PolicyName)).toEqual(['get-only']);
      expect((await admin.listPolicies('Custom')).map((p) => [p.PolicyName, p.AttachmentCount])).toEqual([
        ['get-only', 2],
      ]);
      expect((await admin.listPolicies('System')).map((p) => p.PolicyName)).toEqual([
        'AliyunOSSFullAccess',
        'AliyunOSSReadOnlyAccess',
      ]);

      await changes(() => admin.detachPolicyFromUser('get-only', 'Alice'));
      expect(await codeOf(admin.detachPolicyFromUser('get-only', 'Alice'))).toBe('EntityNotExist');
      await changes(() => adminB.deleteRole('batch-role'));
      expect(await a.iam.findRole('Batch-Role')).toBeUndefined();
      await changes(() => admin.deletePolicy('get-only'));
      expect(await codeOf(admin.getPolicy('get-only'))).toBe('EntityNotExist');
      expect((await adminB.listPoliciesForUser('Alice')).map((p) => p.PolicyName)).toEqual([
        'AliyunOSSReadOnlyAccess',
      ]);

      await changes(() => admin.deleteUser('alice'));
      expect(await codeOf(adminB.getUser('Alice'))).toBe('EntityNotExist');
      expect(await b.iam.policyDocuments('User', alice.UserId)).toEqual([]);
    });

    it('two nodes writing at once keep the rules: one user per name, at most two keys', async () => {
      const made = await Promise.all(
        [0, 1, 2, 3].map((i) => codeOf((i % 2 ? adminB : admin).createUser({ userName: 'racer' }))),
      );
      expect(made.filter((c) => c === undefined)).toHaveLength(1);
      expect(made.filter((c) => c === 'EntityAlreadyExists')).toHaveLength(3);
      const keys = await Promise.all(
        [0, 1, 2, 3, 4].map((i) => codeOf((i % 2 ? adminB : admin).createAccessKey('racer'))),
      );
      expect(keys.filter((c) => c === undefined)).toHaveLength(2);
      expect(keys.filter((c) => c === 'LimitExceeded')).toHaveLength(3);
    });
  });
}
