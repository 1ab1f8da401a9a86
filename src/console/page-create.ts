import { MANIFEST_FORMATS, OPERATION_NAMES } from '../jobs/model.js';
import { OBJECT_ACLS, RESTORE_TIERS } from '../store/types.js';
import type { CreateFormValues } from './create-form.js';
import type { CreateChoices } from './create-choices.js';
import { html, type SafeHtml } from './html.js';

const TAG_EXAMPLE = 'department=finance\nreviewed=yes';

const DEFAULTS: CreateFormValues = {
  operation: 'PutObjectTagging',
  source: 'manifest',
  manifestFormat: 'OSS_BatchOperations_CSV_20250611',
  manifestFields: 'Bucket,Key',
  reportScope: 'AllTasks',
  priority: '10',
  restoreDays: '1',
  acl: 'private',
  confirmationRequired: 'on',
};

function select(name: string, label: string, options: readonly string[], value: string): SafeHtml {
  const opts = options.map(
    (o) =>
      html`<option value="${o}" ${o === value ? html`selected` : html``}>${o === '' ? '(none)' : o}</option>`,
  );
  return html`<label for="f-${name}">${label}</label
    ><select id="f-${name}" name="${name}">
      ${opts}
    </select>`;
}

function text(name: string, label: string, value: string, extra: SafeHtml = html``): SafeHtml {
  return html`<label for="f-${name}">${label}</label
    ><input id="f-${name}" name="${name}" type="text" value="${value}" ${extra} />`;
}

/**
 * A group of fields that belongs to some operations or one source kind: console.js shows only the group
 * of the chosen operation and source (without JS every group stays visible and the API ignores the rest).
 */
function group(kind: 'op' | 'source', values: string, body: SafeHtml): SafeHtml {
  return kind === 'op'
    ? html`<div class="group" data-op="${values}">${body}</div>`
    : html`<div class="group" data-source="${values}">${body}</div>`;
}

function datalist(id: string, options: readonly string[]): SafeHtml {
  return html`<datalist id="${id}">${options.map((o) => html`<option value="${o}"></option>`)}</datalist>`;
}

const BUCKETS = html`list="bucket-choices" autocomplete="off"`;

function checkbox(name: string, label: string, checked: boolean): SafeHtml {
  return html`<label class="check"
    ><input id="f-${name}" name="${name}" type="checkbox" ${checked ? html`checked` : html``} />
    ${label}</label
  >`;
}

function radio(name: string, value: string, label: string, current: string): SafeHtml {
  return html`<label class="check"
    ><input name="${name}" type="radio" value="${value}" ${current === value ? html`checked` : html``} />
    ${label}</label
  >`;
}

export interface CreatePageInput {
  /** Submitted values (undefined: a fresh form with defaults). */
  readonly values?: CreateFormValues | undefined;
  readonly csrfToken: string;
  /**
   * Idempotency token of this rendering, so a double submit creates one job (spec §7.6); a re-rendered
   * form gets a new one, since its fields may change.
   */
  readonly clientRequestToken: string;
  readonly error?: string | undefined;
  /** Buckets and roles the principal can see (create-choices.ts), offered as datalists. */
  readonly choices?: CreateChoices | undefined;
}

export function createPageBody(input: CreatePageInput): SafeHtml {
  const submitted = input.values !== undefined;
  const v = (name: string): string => (submitted ? input.values?.[name] : DEFAULTS[name]) ?? '';
  return html`<h1>Create job</h1>
    ${input.error !== undefined ? html`<p class="error" role="alert" id="form-error">${input.error}</p>` : html``}
    <form id="create-form" method="post" action="/-/console/new" class="create" novalidate>
      <input type="hidden" name="csrf" value="${input.csrfToken}" />
      <input type="hidden" name="clientRequestToken" value="${input.clientRequestToken}" />
      <fieldset>
        <legend>Operation</legend>
        ${select('operation', 'Operation', OPERATION_NAMES, v('operation'))}
        ${group(
          'op',
          'PutObjectTagging AddObjectTagging',
          html`<label for="f-tags">Tags, one key=value per line</label>
            <textarea
              id="f-tags"
              name="tags"
              rows="3"
              placeholder="${TAG_EXAMPLE}"
              aria-describedby="tags-hint"
            >
${v('tags')}</textarea>
            <small id="tags-hint"
              >Example: <code>department=finance</code> and <code>reviewed=yes</code> on two lines.
              PutObjectTagging replaces an object's tags with these; AddObjectTagging adds them.</small
            >`,
        )}
        ${group('op', 'PutObjectAcl', select('acl', 'Object ACL', OBJECT_ACLS, v('acl')))}
        ${group(
          'op',
          'RestoreObject',
          html`${text('restoreDays', 'Restore days', v('restoreDays'), html`inputmode="numeric"`)}
          ${select('restoreTier', 'Restore tier', ['', ...RESTORE_TIERS], v('restoreTier'))}`,
        )}
      </fieldset>
      <fieldset>
        <legend>Objects</legend>
        ${radio('source', 'manifest', 'Objects listed in a manifest', v('source'))}
        ${radio('source', 'prefix', 'All objects under a key prefix', v('source'))}
        ${group(
          'source',
          'manifest',
          html`${text('manifestBucket', 'Manifest bucket', v('manifestBucket'), BUCKETS)}
          ${text('manifestObject', 'Manifest object key', v('manifestObject'))}
          ${select('manifestFormat', 'Manifest format', MANIFEST_FORMATS, v('manifestFormat'))}
          ${text('manifestFields', 'Manifest fields (CSV)', v('manifestFields'))}
          ${text('manifestEtag', 'Manifest ETag (optional)', v('manifestEtag'))}`,
        )}
        ${group(
          'source',
          'prefix',
          html`${text('prefixBucket', 'Source bucket', v('prefixBucket'), BUCKETS)}
          ${text('prefix', 'Key prefix', v('prefix'))}`,
        )}
      </fieldset>
      <fieldset>
        <legend>Completion report</legend>
        ${checkbox('reportEnabled', 'Write a completion report', v('reportEnabled') === 'on')}
        ${text('reportBucket', 'Report bucket', v('reportBucket'), BUCKETS)}
        ${text('reportPrefix', 'Report prefix', v('reportPrefix'))}
        ${select('reportScope', 'Report scope', ['AllTasks', 'FailedTasksOnly'], v('reportScope'))}
      </fieldset>
      <fieldset>
        <legend>Job</legend>
        ${text('roleArn', 'RAM role ARN', v('roleArn'), html`placeholder="acs:ram::ACCOUNT:role/NAME" list="role-choices" autocomplete="off"`)}
        ${text('priority', 'Priority', v('priority'), html`inputmode="numeric"`)}
        ${text('description', 'Description', v('description'))}
        ${checkbox('confirmationRequired', 'Require confirmation before running (job waits Suspended)', v('confirmationRequired') === 'on')}
      </fieldset>
      <button type="submit" id="create-button">Create job</button>
      ${datalist('bucket-choices', input.choices?.buckets ?? [])}
      ${datalist('role-choices', input.choices?.roleArns ?? [])}
    </form>`;
}
