import type { Command } from 'commander';
import type { RetryJobResult } from '../client/types.js';
import type { XmlData } from '../client/xml-response.js';
import { addConnectionOptions, clientFor, type ConnectionFlags } from './config-file.js';
import { CliExit, guarded, toYaml, type CliIo } from './output.js';

type Flags = ConnectionFlags & { outputFormat?: string; reason?: string };

/** text | json | yaml for the job commands that print a result of their own (not an OSS reply). */
export function parseResultFormat(v: string | undefined): 'text' | 'json' | 'yaml' {
  const f = v ?? 'text';
  if (f === 'text' || f === 'json' || f === 'yaml') return f;
  throw new CliExit(`--output-format must be text, json or yaml, not "${f}"`, 2);
}

/** A result object as JSON, or as YAML with every number a string (as the OSS replies render). */
export function renderResult(format: 'json' | 'yaml', value: object): string {
  return format === 'json'
    ? `${JSON.stringify(value, null, 2)}\n`
    : toYaml(
        JSON.parse(
          JSON.stringify(value, (_k, v: unknown) => (typeof v === 'number' ? String(v) : v)),
        ) as XmlData,
      );
}

function retryText(r: RetryJobResult): string {
  return (
    `${r.jobId}\n` +
    `job ${r.jobId} retries ${r.failedTasks} failed and ${r.unrunTasks} never-run tasks of job ${r.sourceJobId} ` +
    `(manifest oss://${r.manifest.bucket}/${r.manifest.object}); follow it with: ossbatch job watch ${r.jobId}\n`
  );
}

function registerRetry(job: Command, io: CliIo): void {
  const cmd = job
    .command('retry')
    .description(
      'create a job over exactly the tasks of <jobId> that did not succeed (failed, or never ran) and print its JobId',
    )
    .argument('<jobId>', 'a Complete, Cancelled or Failed job')
    .option('--output-format <format>', 'text (default: the new JobId, then a summary line), json or yaml');
  addConnectionOptions(cmd).action((jobId: string, o: Flags) =>
    guarded(async () => {
      const format = parseResultFormat(o.outputFormat);
      const client = clientFor(o, io);
      try {
        const r = await client.retryJob(jobId);
        io.stdout.write(format === 'text' ? retryText(r) : renderResult(format, r));
      } finally {
        client.close();
      }
    }),
  );
}

/** `job confirm` / `job cancel`: UpdateJobStatus Ready / Cancelled, as `ossbatch api update-job-status` does. */
function registerStatus(job: Command, io: CliIo, name: 'confirm' | 'cancel'): void {
  const status = name === 'confirm' ? 'Ready' : 'Cancelled';
  const cmd = job
    .command(name)
    .description(
      name === 'confirm'
        ? 'confirm a Suspended job so it runs (UpdateJobStatus Ready)'
        : 'cancel a job; tasks already done stay done (UpdateJobStatus Cancelled)',
    )
    .argument('<jobId>', 'the job id')
    .option('--reason <text>', 'StatusUpdateReason recorded on the job')
    .option('--output-format <format>', 'text (default), json or yaml');
  addConnectionOptions(cmd).action((jobId: string, o: Flags) =>
    guarded(async () => {
      const format = parseResultFormat(o.outputFormat);
      const client = clientFor(o, io);
      try {
        const r = await client.updateJobStatus(jobId, status, o.reason);
        io.stdout.write(format === 'text' ? `job ${r.jobId}: ${r.status}\n` : renderResult(format, r));
      } finally {
        client.close();
      }
    }),
  );
}

export function registerJobActions(job: Command, io: CliIo): void {
  registerStatus(job, io, 'confirm');
  registerStatus(job, io, 'cancel');
  registerRetry(job, io);
}
