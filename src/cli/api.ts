import fs from 'node:fs';
import type { Command } from 'commander';
import { createJobXmlFromJson } from '../client/create-job-xml.js';
import {
  createJobRequest,
  describeJobRequest,
  listJobsRequest,
  updateJobPriorityRequest,
  updateJobStatusRequest,
} from '../client/job-requests.js';
import type { OssRequest } from '../client/transport.js';
import { addConnectionOptions, clientFor, type ConnectionFlags } from './config-file.js';
import { warnIfNothingPlanned } from './planned-warning.js';
import { CliExit, guarded, parseOutputFormat, processIo, renderXml, type CliIo } from './output.js';

type ApiFlags = ConnectionFlags & Readonly<Record<string, string | undefined>>;

/**
 * `--create-job-request` value (ossutil, spec §15): inline XML, inline JSON, or `file://path` holding either.
 * JSON is `{"CreateJobRequest": {...}}` or the inner object and is converted to escaped XML.
 */
export function createJobBody(arg: string): string {
  let text = arg;
  if (arg.startsWith('file://')) {
    const file = arg.slice('file://'.length);
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      throw new CliExit(
        `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
        2,
      );
    }
  }
  const trimmed = text.replace(/^\uFEFF/, '').trim();
  if (trimmed.startsWith('<')) return trimmed;
  if (trimmed.startsWith('{')) {
    let json: unknown;
    try {
      json = JSON.parse(trimmed);
    } catch (err) {
      throw new CliExit(`--create-job-request is not valid JSON: ${(err as Error).message}`, 2);
    }
    try {
      return createJobXmlFromJson(json);
    } catch (err) {
      throw new CliExit(`--create-job-request: ${(err as Error).message}`, 2);
    }
  }
  throw new CliExit('--create-job-request must be XML (<CreateJobRequest>…), JSON ({…}) or file://path', 2);
}

function integer(v: string | undefined, flag: string, min: number, max: number): number {
  if (v === undefined || !/^-?\d+$/.test(v.trim()) || Number(v) < min || Number(v) > max) {
    throw new CliExit(`${flag} must be an integer from ${min} to ${max}, not "${v ?? ''}"`, 2);
  }
  return Number(v);
}

const req = (o: ApiFlags, name: string, flag: string): string => {
  const v = o[name];
  if (v === undefined) throw new CliExit(`missing ${flag}`, 2);
  return v;
};

interface ApiSpec {
  readonly name: string;
  readonly description: string;
  readonly options: readonly (readonly [string, string, boolean])[];
  readonly build: (o: ApiFlags) => OssRequest;
}

const JOB_ID: readonly [string, string, boolean] = ['--batch-job-id <id>', 'the job id', true];

/** The five `ossutil api` commands, same names and flags (spec §15). */
const API_SPECS: readonly ApiSpec[] = [
  {
    name: 'create-job',
    description: 'CreateJob (POST /?batchJob); prints <CreateJobResult><JobId>',
    options: [
      [
        '--create-job-request <xml|json|file://path>',
        'the CreateJobRequest as XML, JSON or file://path',
        true,
      ],
    ],
    build: (o) => createJobRequest(createJobBody(req(o, 'createJobRequest', '--create-job-request'))),
  },
  {
    name: 'describe-job',
    description: 'DescribeJob (GET /?batchJob&batchJobId=…)',
    options: [JOB_ID],
    build: (o) => describeJobRequest(req(o, 'batchJobId', '--batch-job-id')),
  },
  {
    name: 'list-jobs',
    description: 'ListJobs (GET /?batchJob), newest first',
    options: [
      ['--batch-job-statuses <list>', 'filter, e.g. Active|Complete', false],
      ['--max-keys <n>', 'page size 1-1000 (default 100)', false],
      ['--continuation-token <token>', 'NextToken of the previous page', false],
    ],
    build: (o) =>
      listJobsRequest({
        statuses: o['batchJobStatuses'],
        maxKeys: o['maxKeys'] === undefined ? undefined : integer(o['maxKeys'], '--max-keys', 1, 1000),
        continuationToken: o['continuationToken'],
      }),
  },
  {
    name: 'update-job-priority',
    description: 'UpdateJobPriority (POST /?batchJobPriority)',
    options: [JOB_ID, ['--target-priority <n>', 'new priority 0-2147483647 (larger runs first)', true]],
    build: (o) =>
      updateJobPriorityRequest(
        req(o, 'batchJobId', '--batch-job-id'),
        integer(o['targetPriority'], '--target-priority', 0, 2147483647),
      ),
  },
  {
    name: 'update-job-status',
    description: 'UpdateJobStatus (POST /?batchJobStatus): confirm a Suspended job (Ready) or cancel it',
    options: [
      JOB_ID,
      ['--requested-job-status <status>', 'Ready or Cancelled', true],
      ['--status-update-reason <text>', 'reason, 1-256 characters', false],
    ],
    build: (o) => {
      const status = req(o, 'requestedJobStatus', '--requested-job-status');
      if (status !== 'Ready' && status !== 'Cancelled') {
        throw new CliExit(`--requested-job-status must be Ready or Cancelled, not "${status}"`, 2);
      }
      return updateJobStatusRequest(req(o, 'batchJobId', '--batch-job-id'), status, o['statusUpdateReason']);
    },
  },
];

/** `ossbatch api <command>`: the raw reply printed as xml (default), json or yaml. */
export function registerApiCommands(program: Command, io: CliIo = processIo()): Command {
  const api = program
    .command('api')
    .description('OSS Batch Operations API calls, named and flagged like `ossutil api`');
  for (const spec of API_SPECS) {
    const cmd = api.command(spec.name).description(spec.description);
    for (const [flags, description, required] of spec.options) {
      if (required) cmd.requiredOption(flags, description);
      else cmd.option(flags, description);
    }
    cmd.option('--output-format <format>', 'xml (default), json or yaml');
    addConnectionOptions(cmd);
    cmd.action((o: ApiFlags) =>
      guarded(async () => {
        const format = parseOutputFormat(o['outputFormat']);
        const request = spec.build(o);
        const client = clientFor(o, io);
        try {
          const res = await client.request(request);
          const body = res.body.toString('utf8');
          io.stdout.write(renderXml(body, format));
          if (spec.name === 'create-job') {
            const jobId = /<JobId>([^<]+)<\/JobId>/.exec(body)?.[1];
            if (jobId !== undefined) await warnIfNothingPlanned(client, jobId, io);
          }
        } finally {
          client.close();
        }
      }),
    );
  }
  return api;
}
