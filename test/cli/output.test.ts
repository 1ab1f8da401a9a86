import { describe, expect, it } from 'vitest';
import { ossErrorLine, renderXml, toYaml } from '../../src/cli/output.js';
import { createJobXmlFromJson, OssError } from '../../src/client/index.js';
import { parseXmlBody } from '../../src/protocol/xml.js';

const LIST_ONE =
  '<?xml version="1.0" encoding="UTF-8"?>\n<ListJobsResult><Jobs><JobListDescriptor><JobId>A=</JobId><Operation>PutObjectAcl</Operation>' +
  '<ProgressSummary><NumberOfTasksFailed>-1</NumberOfTasksFailed><Timers><ElapsedTimeInActiveSeconds>0</ElapsedTimeInActiveSeconds></Timers></ProgressSummary>' +
  '<Description>a: b &amp; "c"</Description></JobListDescriptor></Jobs></ListJobsResult>';

describe('output rendering', () => {
  it('json: repeated elements are arrays even with one item; text is unescaped', () => {
    const out = JSON.parse(renderXml(LIST_ONE, 'json')) as {
      ListJobsResult: { Jobs: { JobListDescriptor: Record<string, unknown>[] } };
    };
    const d = out.ListJobsResult.Jobs.JobListDescriptor;
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({
      JobId: 'A=',
      Description: 'a: b & "c"',
      ProgressSummary: { NumberOfTasksFailed: '-1' },
    });
  });

  it('yaml: nested maps, sequences, quoting of non-plain strings', () => {
    expect(renderXml(LIST_ONE, 'yaml')).toBe(
      [
        'ListJobsResult:',
        '  Jobs:',
        '    JobListDescriptor:',
        '      - JobId: A=',
        '        Operation: PutObjectAcl',
        '        ProgressSummary:',
        '          NumberOfTasksFailed: -1',
        '          Timers:',
        '            ElapsedTimeInActiveSeconds: 0',
        '        Description: "a: b & \\"c\\""',
        '',
      ].join('\n'),
    );
    expect(toYaml({ A: '', B: [], C: {}, D: ['x', 'y z'] })).toBe(
      'A: ""\nB: []\nC: {}\nD:\n  - x\n  - y z\n',
    );
  });

  it('xml is passed through as sent', () => {
    expect(renderXml(LIST_ONE, 'xml')).toBe(`${LIST_ONE}\n`);
  });

  it('the error line has code, message, status, EC and request id', () => {
    const e = new OssError({
      code: 'AccessDenied',
      message: 'no\nway',
      requestId: 'R1',
      ec: '0003-00000001',
      status: 403,
    });
    expect(ossErrorLine(e)).toBe('AccessDenied: no way (HTTP 403, EC 0003-00000001, RequestId R1)');
  });
});

describe('create-job JSON → XML', () => {
  it('wrapped or inner object, arrays repeat, TagSet shortcut, escaping, empty operation', () => {
    const inner = {
      Operation: {
        AddObjectTagging: {
          TagSet: [
            { Key: 'a', Value: '<&>' },
            { Key: 'b', Value: '\'"' },
          ],
        },
      },
      Priority: 5,
      ConfirmationRequired: false,
      Description: null,
    };
    const xml = createJobXmlFromJson({ CreateJobRequest: inner });
    expect(xml).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<CreateJobRequest><Operation><AddObjectTagging><TagSet>' +
        '<Tag><Key>a</Key><Value>&lt;&amp;&gt;</Value></Tag><Tag><Key>b</Key><Value>&apos;&quot;</Value></Tag>' +
        '</TagSet></AddObjectTagging></Operation><Priority>5</Priority><ConfirmationRequired>false</ConfirmationRequired></CreateJobRequest>',
    );
    expect(createJobXmlFromJson(inner)).toBe(xml);
    const parsed = parseXmlBody(xml, 'CreateJobRequest');
    expect(parsed['Operation']).toBeDefined();
    const del = createJobXmlFromJson({ Operation: { DeleteObjectTagging: {} } });
    expect(del).toContain('<Operation><DeleteObjectTagging></DeleteObjectTagging></Operation>');
    const explicit = createJobXmlFromJson({
      Operation: { PutObjectTagging: { TagSet: { Tag: [{ Key: 'k', Value: 'v' }] } } },
    });
    expect(explicit).toContain('<TagSet><Tag><Key>k</Key><Value>v</Value></Tag></TagSet>');
    expect(() => createJobXmlFromJson({ 'bad name': 1 })).toThrow(/not a valid XML element name/);
    expect(() => createJobXmlFromJson([1])).toThrow(/must be an object/);
  });
});
