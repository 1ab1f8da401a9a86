import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cleanEnv, ensureBuilt, startServerProcess, type ServerProcess } from './cli-process.js';
import { STORE_KEY } from './remote-harness.js';

/** The back process's root key: the front uses it as the store's credentials. */
export const BACK_KEY = { accessKeyId: STORE_KEY.id, secret: STORE_KEY.secret };

export interface FrontAndBack {
  readonly tmp: string;
  readonly frontDir: string;
  readonly back: ServerProcess;
  readonly front: ServerProcess;
  stop(): Promise<void>;
}

export interface FrontAndBackOptions {
  /** Temp dir name prefix (one per test file, to tell leftovers apart). */
  readonly prefix: string;
  /** The front's root key (RAM is decided in front). */
  readonly frontKey: { accessKeyId: string; secret: string };
  /** Extra `ossbatch server` flags for the front. */
  readonly frontArgs?: readonly string[];
  /** Runs against the back before the front starts (e.g. objects that exist before ossbatch is put in front). */
  readonly beforeFront?: (back: ServerProcess) => Promise<void>;
}

/**
 * Two real processes: a back `ossbatch server` (the remote store) and a front `ossbatch server --store
 * oss+http://…` over it, each in its own data dir under one temp dir.
 */
export async function startFrontAndBack(opts: FrontAndBackOptions): Promise<FrontAndBack> {
  ensureBuilt();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `ossbatch-${opts.prefix}-`));
  const frontDir = path.join(tmp, 'front');
  const back = await startServerProcess(
    ['--data-dir', path.join(tmp, 'back')],
    cleanEnv({
      OSSBATCH_ROOT_ACCESS_KEY_ID: BACK_KEY.accessKeyId,
      OSSBATCH_ROOT_ACCESS_KEY_SECRET: BACK_KEY.secret,
    }),
  );
  let front: ServerProcess;
  try {
    await opts.beforeFront?.(back);
    front = await startServerProcess(
      ['--data-dir', frontDir, '--store', `oss+http://127.0.0.1:${back.port}`, ...(opts.frontArgs ?? [])],
      cleanEnv({
        OSSBATCH_ROOT_ACCESS_KEY_ID: opts.frontKey.accessKeyId,
        OSSBATCH_ROOT_ACCESS_KEY_SECRET: opts.frontKey.secret,
        OSSBATCH_STORE_ACCESS_KEY_ID: BACK_KEY.accessKeyId,
        OSSBATCH_STORE_ACCESS_KEY_SECRET: BACK_KEY.secret,
      }),
    );
  } catch (e) {
    await back.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  return {
    tmp,
    frontDir,
    back,
    front,
    async stop() {
      await front.stop();
      await back.stop();
      fs.rmSync(tmp, { recursive: true, force: true });
    },
  };
}
