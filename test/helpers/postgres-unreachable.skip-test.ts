/**
 * Run by the `postgres` vitest project instead of its real files when PostgreSQL is unreachable
 * (vitest.config.ts): the run shows one skipped test with the reason instead of silently passing.
 */
import { it } from 'vitest';

it.skip(`postgres project skipped: ${process.env['OSSBATCH_TEST_PG_SKIP'] ?? 'PostgreSQL unreachable'}`, () => {});
