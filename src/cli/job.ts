import { Option, type Command } from 'commander';
import { addConnectionOptions, clientFor, type ConnectionFlags } from './config-file.js';
import { readManifest, reportRows, rowCsv, summariseReport, summaryText } from './job-report.js';
import { registerJobActions, renderResult } from './job-actions.js';
import { finalLine, watchJob } from './job-watch.js';
import { CliExit, guarded, processIo, type CliIo } from './output.js';

type JobFlags = ConnectionFlags & {
  interval?: string;
  failedOnly?: boolean;
  output?: string;
  outputFormat?: string;
  maxFailed?: string;
};

function positive(v: string | undefined, flag: string, fallback: number): number {
  if (v === undefined) return fallback;
  if (!/^\d+$/.test(v) || Number(v) <= 0)
    throw new CliExit(`${flag} must be a positive integer, not "${v}"`, 2);
  return Number(v);
}

function registerWatch(job: Command, io: CliIo): void {
  const cmd = job
    .command('watch')
    .description(
      'follow a job until it ends: a progress bar on a TTY, one line per interval otherwise; exit 0 only for Complete without failed tasks',
    )
    .argument('<jobId>', 'the job id')
    .option('--interval <ms>', 'poll interval in milliseconds (default 2000)');
  addConnectionOptions(cmd).action((jobId: string, o: JobFlags) =>
    guarded(async () => {
      const interval = positive(o.interval, '--interval', 2000);
      const client = clientFor(o, io);
      try {
        const last = await watchJob(client, jobId, io, interval);
        io.stdout.write(finalLine(last));
        if (last.status !== 'Complete' || last.progress.failedTasks > 0) {
          throw new CliExit(
            `job ${jobId} ended ${last.status} with ${Math.max(0, last.progress.failedTasks)} failed tasks`,
            1,
          );
        }
      } finally {
        client.close();
      }
    }),
  );
}

const REPORT_FORMATS = ['text', 'json', 'yaml', 'csv'];

function reportFormat(o: JobFlags): string {
  // --output was this command's flag before every command took --output-format (kept, hidden).
  const format = o.outputFormat ?? o.output ?? 'text';
  if (!REPORT_FORMATS.includes(format))
    throw new CliExit(`--output-format must be text, json, yaml or csv, not "${format}"`, 2);
  return format;
}

function registerReport(job: Command, io: CliIo): void {
  const cmd = job
    .command('report')
    .description("summarise a job's completion report (counts by outcome and error code, first failed keys)")
    .argument('<jobId>', 'the job id')
    .option('--failed-only', 'only failed tasks')
    .option(
      '--output-format <format>',
      'text (default), json, yaml, or csv (the report rows, keys URL-encoded)',
    )
    .addOption(new Option('--output <format>').hideHelp())
    .option('--max-failed <n>', 'failed keys to list in the summary (default 10)');
  addConnectionOptions(cmd).action((jobId: string, o: JobFlags) =>
    guarded(async () => {
      const output = reportFormat(o);
      const maxFailed = positive(o.maxFailed, '--max-failed', 10);
      const client = clientFor(o, io);
      try {
        const described = await client.describeJob(jobId);
        if (output === 'csv') {
          const manifest = await readManifest(client, described);
          for await (const row of reportRows(client, manifest, o.failedOnly === true))
            io.stdout.write(rowCsv(row));
          return;
        }
        const summary = await summariseReport(client, described, o.failedOnly === true, maxFailed);
        io.stdout.write(
          output === 'text'
            ? summaryText(summary)
            : renderResult(output === 'json' ? 'json' : 'yaml', summary),
        );
      } finally {
        client.close();
      }
    }),
  );
}

/** `ossbatch job watch|report|confirm|cancel|retry <id>`. */
export function registerJobCommands(program: Command, io: CliIo = processIo()): Command {
  const job = program
    .command('job')
    .description('follow, confirm, cancel and retry a batch job, and read its completion report');
  registerWatch(job, io);
  registerReport(job, io);
  registerJobActions(job, io);
  return job;
}
