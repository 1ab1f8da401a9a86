import type { Command } from 'commander';
import { addConnectionOptions, clientFor, type ConnectionFlags } from './config-file.js';
import { guarded, parseOutputFormat, processIo, renderXml, type CliIo } from './output.js';

type InventoryFlags = ConnectionFlags & Readonly<Record<string, string | undefined>>;

/**
 * `ossbatch inventory run --bucket <b> --inventory-id <id>`: runs a bucket inventory now through the
 * server's extension API (POST /<bucket>/?inventory&inventoryId=<id>, docs/api.md; OSS itself only runs
 * inventories on their schedule) and prints the reply: destination bucket, manifest.json key, data files
 * and rows. Connection options are those of `ossbatch api`.
 */
export function registerInventoryCommands(program: Command, io: CliIo = processIo()): Command {
  const inventory = program.command('inventory').description('Bucket inventory reports');
  const run = inventory
    .command('run')
    .description('Run a bucket inventory now; prints where its manifest.json was written')
    .requiredOption('--bucket <bucket>', 'the source bucket the inventory is configured on')
    .requiredOption('--inventory-id <id>', 'the inventory configuration id')
    .option('--output-format <format>', 'xml (default), json or yaml');
  addConnectionOptions(run);
  run.action((o: InventoryFlags) =>
    guarded(async () => {
      const format = parseOutputFormat(o['outputFormat']);
      const client = clientFor(o, io);
      try {
        const res = await client.request({
          method: 'POST',
          bucket: o['bucket'],
          subresources: { inventory: '', inventoryId: o['inventoryId'] ?? '' },
        });
        io.stdout.write(renderXml(res.body.toString('utf8'), format));
      } finally {
        client.close();
      }
    }),
  );
  return inventory;
}
