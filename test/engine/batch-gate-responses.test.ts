import { describe, expect, it } from 'vitest';
import { BatchGate } from '../../src/engine/batch-gate.js';
import { writeAtTurnEnd, writeTurnEndNow } from '../../src/http/turn-end-writes.js';

const nothing = (): void => undefined;
/** Starts from a fresh check phase: an earlier test's writeAll may still be queued in the current one. */
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * The engine's batch gate and the HTTP layer's turn-end writes both wait for the check phase, and the gate's
 * turn is queued first (a turn earlier, or here simply first). The server wires the gate to flush the
 * waiting responses before the batch: a response read in a turn must not wait for that turn's batch.
 */
describe('batch gate and turn-end responses', () => {
  it('writes the responses waiting in the turn before the batch it grants', async () => {
    await nextTurn();
    const order: string[] = [];
    const gate = new BatchGate(writeTurnEndNow);
    const batch = gate.turn().then(() => order.push('batch'));
    const response = writeAtTurnEnd(() => order.push('response'), nothing);
    await Promise.all([batch, response]);
    expect(order).toEqual(['response', 'batch']);
  });

  it('without the flush, the batch would run first (what the wiring prevents)', async () => {
    await nextTurn();
    const order: string[] = [];
    const gate = new BatchGate();
    const batch = gate.turn().then(() => order.push('batch'));
    const response = writeAtTurnEnd(() => order.push('response'), nothing);
    await Promise.all([batch, response]);
    expect(order).toEqual(['batch', 'response']);
  });
});
