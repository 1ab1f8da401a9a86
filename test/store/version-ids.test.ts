import { describe, expect, it } from 'vitest';
import { isNullVersionId, newVersionId, versionMatches, wireVersionId } from '../../src/store/version-ids.js';

describe('version ids', () => {
  it('the built-in null version (32 lower hex) and `null` read as null on the wire', () => {
    expect(wireVersionId('0123456789abcdef0123456789abcdef')).toBe('null');
    expect(wireVersionId('null')).toBe('null');
    expect(versionMatches('0123456789abcdef0123456789abcdef', 'null')).toBe(true);
    expect(wireVersionId(newVersionId())).toMatch(/^CAEQ/);
  });

  it('a remote store’s own ids reach the client unchanged (S3, MinIO, Ceph forms)', () => {
    for (const id of [
      '3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY',
      'Vx3.yZ_current',
      '6d3b7c9a-0f2e-4c1b-9a8d-2f4e5b6c7d8e',
      'ZM2gfsSwp5bgkt4GB2kCjOqIrWHmSGLe',
      '0123456789ABCDEF0123456789ABCDEF',
    ]) {
      expect(isNullVersionId(id)).toBe(false);
      expect(wireVersionId(id)).toBe(id);
      expect(versionMatches(id, 'null')).toBe(false);
    }
  });
});
