import { describe, expect, it } from 'vitest';
import { DAY_MS, type InventoryConfig } from '../../src/inventory/model.js';
import { runFolder } from '../../src/inventory/run.js';
import { nextRunAfter } from '../../src/inventory/scheduler.js';

const config = (frequency: 'Daily' | 'Weekly'): InventoryConfig => ({
  id: 'i',
  isEnabled: true,
  filter: { prefix: '' },
  destination: { format: 'CSV', accountId: '1', roleArn: 'acs:ram::1:role/r', bucket: 'dest', prefix: '' },
  frequency,
  includedVersions: 'Current',
  optionalFields: [],
});

describe('inventory schedule', () => {
  it('moves to the next slot on the grid, skipping missed periods instead of replaying them', () => {
    const start = Date.UTC(2026, 0, 1);
    const daily = { bucket: 'b', config: config('Daily'), nextRunAt: start };
    expect(nextRunAfter(daily, start)).toBe(start + DAY_MS);
    expect(nextRunAfter(daily, start + 5 * DAY_MS + 1)).toBe(start + 6 * DAY_MS);
    const weekly = { bucket: 'b', config: config('Weekly'), nextRunAt: start };
    expect(nextRunAfter(weekly, start + 1)).toBe(start + 7 * DAY_MS);
  });

  it('names a run folder after the scan start in GMT, minute precision', () => {
    expect(runFolder(Date.UTC(2020, 4, 17, 16, 0, 59))).toBe('2020-05-17T16-00Z');
  });
});
