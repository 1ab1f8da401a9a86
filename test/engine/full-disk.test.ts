import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DiskFaults } from '../../src/store/builtin/index.js';
import { SimulatedDisk } from '../helpers/simulated-disk.js';
import { TMPFS_UNAVAILABLE, capturingLogger, fillDisk, mountTmpfs } from '../helpers/tmpfs.js';
import { createHarness, readReport, TAG_OP, type Harness } from './harness.js';

const MiB = 1024 * 1024;
const N = 3000;

/** A data disk the tests fill: `leaving(bytes)` fills it until that much is free and returns the undo. */
interface TestDisk {
  readonly dir: string;
  readonly diskFaults?: DiskFaults;
  leaving(bytes: number): () => void;
  close(): void;
}

/** A real 48 MiB tmpfs (root only; CI runs as root), filled by a ballast file as another process would. */
function tmpfsDisk(): TestDisk {
  const mount = mountTmpfs(48 * MiB);
  return {
    dir: mount.dir,
    leaving(bytes) {
      const ballast = fillDisk(mount.dir, bytes);
      return () => fs.rmSync(ballast);
    },
    close: () => mount.unmount(),
  };
}

/** The built-in store's simulated disk (no root needed): statfs shows `bytes` free; 0 also fails every write. */
function simulatedDisk(): TestDisk {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ossbatch-simfull-'));
  const disk = new SimulatedDisk(dir);
  return {
    dir,
    diskFaults: disk,
    leaving(bytes) {
      if (bytes === 0) disk.fillToLastByte();
      else disk.setFree(bytes);
      return () => disk.restore();
    },
    close: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

const DISKS = [
  {
    name: `a real tmpfs${TMPFS_UNAVAILABLE === undefined ? '' : ` (skipped: ${TMPFS_UNAVAILABLE})`}`,
    open: tmpfsDisk,
    skip: TMPFS_UNAVAILABLE !== undefined,
  },
  { name: 'a simulated disk (no root needed)', open: simulatedDisk, skip: false },
];

/**
 * Issue 12: on a full disk the engine waits in every phase instead of failing or spinning, says why in
 * DescribeJob (StatusUpdateReason), resumes by itself when space returns, and still reports every task
 * exactly once. Runs on a real tmpfs where one can be mounted, and everywhere on the simulated disk (the
 * first write to fail is then the store's — a task's or the report's — not the engine's own bookkeeping).
 */
for (const { name, open, skip } of DISKS) {
  describe.skipIf(skip)(`engine on a full disk: ${name}`, () => {
    let disk: TestDisk;
    let h: Harness;
    const captured = capturingLogger('warn');

    beforeEach(() => {
      disk = open();
      captured.lines.length = 0;
    });
    afterEach(async () => {
      await h?.close();
      disk.close();
    });

    async function setup(opts: { minFreeBytes?: number; start?: boolean }): Promise<string> {
      h = await createHarness({
        dir: disk.dir,
        logger: captured.logger,
        chunkSize: 500,
        ...(disk.diskFaults ? { diskFaults: disk.diskFaults } : {}),
        ...opts,
      });
      await h.bucket('data');
      await h.bucket('reports');
      await h.seed(
        'data',
        Array.from({ length: N }, (_, i) => ({ key: `k${String(i).padStart(5, '0')}` })),
      );
      await h.putText(
        'data',
        'm.csv',
        Array.from({ length: N }, (_, i) => `data,k${String(i).padStart(5, '0')}`).join('\n'),
      );
      return await h.role('Role');
    }

    const describeReason = async (jobId: string): Promise<string> => {
      const xml = await h.api.describeJob({
        principal: { kind: 'root', accountId: '1234567890123456', accessKeyId: 'LTAIroot' },
        query: new Map([['batchJobId', jobId]]),
        body: Buffer.alloc(0),
        context: { secureTransport: true, currentTime: Date.now() },
      });
      return /<StatusUpdateReason>([^<]*)<\/StatusUpdateReason>/.exec(xml)?.[1] ?? '';
    };

    async function waitForReason(jobId: string, text: string): Promise<string> {
      const until = Date.now() + 20_000;
      for (;;) {
        const reason = await describeReason(jobId);
        if (reason.includes(text)) return reason;
        if (Date.now() > until)
          throw new Error(`no "${text}" in StatusUpdateReason (${reason}); ${(await h.job(jobId)).status}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    }

    async function expectCompleteReport(jobId: string): Promise<void> {
      const done = await h.waitFor(jobId, ['Complete', 'Failed'], 60_000);
      expect(done.status, JSON.stringify(done.failure)).toBe('Complete');
      expect(done.succeededTasks).toBe(N);
      expect(done.failedTasks).toBe(0);
      const { rows } = await readReport(h, 'reports', 'r/', jobId);
      expect(rows).toHaveLength(N);
      expect(new Set(rows.map((r) => r[1])).size).toBe(N);
      expect(await describeReason(jobId)).not.toContain('Waiting for disk space');
    }

    it('waits to write the report while the floor refuses it, then completes', async () => {
      const roleArn = await setup({ minFreeBytes: 12 * MiB });
      // Below the 12 MiB floor but with room for SQLite and shards: only the report objects are refused.
      const giveBack = disk.leaving(8 * MiB);
      const jobId = await h.createJob({
        operation: TAG_OP,
        manifest: { bucket: 'data', object: 'm.csv' },
        report: { bucket: 'reports', prefix: 'r/' },
        roleArn,
      });
      const reason = await waitForReason(jobId, 'Waiting for disk space');
      expect(reason).toContain('writing its report');
      expect((await h.job(jobId)).status).toBe('Completing');
      expect((await h.job(jobId)).failure).toBeNull();
      giveBack();
      await expectCompleteReport(jobId);
      expect(captured.lines.filter((l) => l.includes('storage exhausted')).length).toBeLessThanOrEqual(2);
    });

    it('waits when the disk is full to the last byte, never fails or spins, and resumes by itself', async () => {
      const roleArn = await setup({ start: false });
      const jobId = await h.createJob({
        operation: TAG_OP,
        manifest: { bucket: 'data', object: 'm.csv' },
        report: { bucket: 'reports', prefix: 'r/' },
        roleArn,
      });
      const giveBack = disk.leaving(0);
      await h.engine.start();
      // The first write that fails is the engine's own bookkeeping (scheduling) or the planner's: either way
      // the job waits and says so.
      await waitForReason(jobId, 'Waiting for disk space');
      expect((await h.job(jobId)).failure).toBeNull();
      // The disk stays full for a while: the engine waits with one warning, not one per attempt.
      await waitForReason(jobId, 'The job resumes by itself');
      expect(captured.lines.filter((l) => l.includes('storage exhausted'))).toHaveLength(1);
      expect(captured.lines.filter((l) => l.includes('"level":50'))).toEqual([]);
      giveBack();
      await expectCompleteReport(jobId);
    });
  });
}
