import type { StoredInventory } from '../store/inventory-port.js';
import type { InventoryConfig, InventoryRecord } from './model.js';

/** The stored form of a validated configuration: JSON of InventoryConfig (versioned by this module only). */
export const toDocument = (c: InventoryConfig): string => JSON.stringify(c);

export function toRecord(row: StoredInventory): InventoryRecord {
  return {
    bucket: row.bucket,
    config: JSON.parse(row.document) as InventoryConfig,
    nextRunAt: row.nextRunAt,
  };
}
