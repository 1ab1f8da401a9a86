import { ManifestError } from './types.js';

/** Where the columns a task needs sit in a manifest row. -1 = column absent. */
export interface RowLayout {
  readonly columns: number;
  readonly bucket: number;
  readonly key: number;
  readonly versionId: number;
  /** Inventory only: rows whose IsDeleteMarker is "true" are not tasks. */
  readonly deleteMarker: number;
}

/** Spec gap 6: `Fields` defaults to `Bucket,Key`; `Ignore` columns are accepted and skipped. */
export const DEFAULT_CSV_FIELDS = 'Bucket,Key';

/**
 * Builds the layout of a CSV manifest from `Spec/Fields` (`Bucket,Key[,VersionId]`, any order, `Ignore`
 * allowed). Names are matched case-insensitively after trimming.
 */
export function csvLayout(fields: string | undefined): RowLayout {
  const text = fields === undefined || fields.trim() === '' ? DEFAULT_CSV_FIELDS : fields;
  const names = text.split(',').map((n) => n.trim().toLowerCase());
  for (const n of names) {
    if (n !== 'bucket' && n !== 'key' && n !== 'versionid' && n !== 'ignore') {
      throw new ManifestError('InvalidManifest', `Unknown manifest field "${n}" in Fields "${text}".`);
    }
  }
  return layoutOf(names, text, false);
}

/**
 * Builds the layout of an inventory data file from manifest.json's `fileSchema` (spec §12.2, gap 24:
 * lenient — case-insensitive, names trimmed, unknown columns ignored).
 */
export function inventoryLayout(fileSchema: string): RowLayout {
  const names = fileSchema.split(',').map((n) => n.trim().toLowerCase());
  return layoutOf(names, fileSchema, true);
}

function layoutOf(names: string[], text: string, allowOthers: boolean): RowLayout {
  const once = (name: string): number => {
    const first = names.indexOf(name);
    if (first !== -1 && names.indexOf(name, first + 1) !== -1) {
      throw new ManifestError('InvalidManifest', `Field ${name} appears twice in "${text}".`);
    }
    return first;
  };
  const bucket = once('bucket');
  const key = once('key');
  if (bucket === -1 || key === -1) {
    throw new ManifestError('InvalidManifest', `The manifest fields "${text}" must name Bucket and Key.`);
  }
  return {
    columns: names.length,
    bucket,
    key,
    versionId: once('versionid'),
    deleteMarker: allowOthers ? once('isdeletemarker') : -1,
  };
}
