/** CreateJob requests that must be refused with 400 InvalidArgument, and the exact message for each. */
export const OPS = 'PutObjectTagging, AddObjectTagging, DeleteObjectTagging, PutObjectAcl, RestoreObject';
export const tagOp = (tags: string) =>
  `<Operation><PutObjectTagging><TagSet>${tags}</TagSet></PutObjectTagging></Operation>`;
export const tag = (k: string, v = 'v') => `<Tag><Key>${k}</Key><Value>${v}</Value></Tag>`;
export const manifest = (
  location: string,
  spec = '<Spec><Format>OSS_BatchOperations_CSV_20250611</Format></Spec>',
) => `<Manifest><Location>${location}</Location>${spec}</Manifest>`;
export const csvSpec = (fields: string) =>
  `<Spec><Fields>${fields}</Fields><Format>OSS_BatchOperations_CSV_20250611</Format></Spec>`;
export const LOC = '<Bucket>manifests</Bucket><Object>manifest.csv</Object>';
export const report = (inner: string) => `<Report>${inner}</Report>`;

/** [name, replaced elements, expected message] — all InvalidArgument 400 with the generic EC. */
export const INVALID: [string, Record<string, string | undefined>, string][] = [
  [
    'no Operation',
    { Operation: undefined },
    `CreateJobRequest/Operation is required and must contain exactly one of ${OPS}.`,
  ],
  [
    'empty Operation',
    { Operation: '<Operation></Operation>' },
    `CreateJobRequest/Operation must contain exactly one of ${OPS}; found none.`,
  ],
  [
    'two operations',
    {
      Operation:
        '<Operation><PutObjectAcl><ObjectAcl>private</ObjectAcl></PutObjectAcl><DeleteObjectTagging/></Operation>',
    },
    'CreateJobRequest/Operation must contain exactly one operation; found PutObjectAcl, DeleteObjectTagging.',
  ],
  [
    'the same operation twice',
    { Operation: '<Operation><DeleteObjectTagging/><DeleteObjectTagging/></Operation>' },
    'CreateJobRequest/Operation must contain exactly one operation; found DeleteObjectTagging more than once.',
  ],
  [
    'only an unsupported operation',
    { Operation: '<Operation><CopyObject><TargetResource>x</TargetResource></CopyObject></Operation>' },
    `CreateJobRequest/Operation must contain exactly one of ${OPS}; found only unsupported CopyObject.`,
  ],
  [
    'DeleteObjectTagging with content',
    { Operation: '<Operation><DeleteObjectTagging><TagSet/></DeleteObjectTagging></Operation>' },
    'CreateJobRequest/Operation/DeleteObjectTagging must be empty.',
  ],
  [
    '11 tags',
    { Operation: tagOp(Array.from({ length: 11 }, (_, i) => tag(`k${i}`)).join('')) },
    'CreateJobRequest/Operation/PutObjectTagging/TagSet: The number of tags (11) exceeds the limit of 10.',
  ],
  [
    'duplicate tag keys',
    { Operation: tagOp(tag('a') + tag('a', 'w')) },
    'CreateJobRequest/Operation/PutObjectTagging/TagSet: The tag key "a" appears more than once.',
  ],
  [
    'empty tag key',
    { Operation: tagOp(tag('')) },
    'CreateJobRequest/Operation/PutObjectTagging/TagSet: A tag key must not be empty.',
  ],
  [
    '129-character tag key',
    { Operation: tagOp(tag('k'.repeat(129))) },
    `CreateJobRequest/Operation/PutObjectTagging/TagSet: The tag key "${'k'.repeat(32)}…" is longer than 128 characters.`,
  ],
  [
    '257-character tag value',
    { Operation: tagOp(tag('a', 'v'.repeat(257))) },
    'CreateJobRequest/Operation/PutObjectTagging/TagSet: The value of tag "a" is longer than 256 characters.',
  ],
  [
    'bad tag character',
    { Operation: tagOp(tag('a*b')) },
    'CreateJobRequest/Operation/PutObjectTagging/TagSet: The tag key "a*b" contains a character other than letters, digits, space and + - = . _ : /.',
  ],
  [
    'tag without Key',
    { Operation: tagOp('<Tag><Value>v</Value></Tag>') },
    'CreateJobRequest/Operation/PutObjectTagging/TagSet/Tag[1]/Key is required.',
  ],
  [
    'PutObjectTagging without TagSet',
    { Operation: '<Operation><PutObjectTagging></PutObjectTagging></Operation>' },
    'CreateJobRequest/Operation/PutObjectTagging/TagSet is required.',
  ],
  [
    'AddObjectTagging with no tags',
    { Operation: '<Operation><AddObjectTagging><TagSet></TagSet></AddObjectTagging></Operation>' },
    'CreateJobRequest/Operation/AddObjectTagging/TagSet must contain at least one Tag.',
  ],
  [
    'bad ObjectAcl',
    { Operation: '<Operation><PutObjectAcl><ObjectAcl>public</ObjectAcl></PutObjectAcl></Operation>' },
    'CreateJobRequest/Operation/PutObjectAcl/ObjectAcl must be one of default, private, public-read, public-read-write; got "public".',
  ],
  [
    'missing ObjectAcl',
    { Operation: '<Operation><PutObjectAcl/></Operation>' },
    'CreateJobRequest/Operation/PutObjectAcl/ObjectAcl is required (one of default, private, public-read, public-read-write).',
  ],
  [
    'RestoreObject Days 0',
    { Operation: '<Operation><RestoreObject><Days>0</Days></RestoreObject></Operation>' },
    'CreateJobRequest/Operation/RestoreObject/Days must be an integer between 1 and 365; got "0".',
  ],
  [
    'RestoreObject Days 366',
    { Operation: '<Operation><RestoreObject><Days>366</Days></RestoreObject></Operation>' },
    'CreateJobRequest/Operation/RestoreObject/Days must be an integer between 1 and 365; got "366".',
  ],
  [
    'RestoreObject Days 1.5',
    { Operation: '<Operation><RestoreObject><Days>1.5</Days></RestoreObject></Operation>' },
    'CreateJobRequest/Operation/RestoreObject/Days must be an integer between 1 and 365; got "1.5".',
  ],
  [
    'RestoreObject bad Tier',
    { Operation: '<Operation><RestoreObject><Days>2</Days><Tier>Fast</Tier></RestoreObject></Operation>' },
    'CreateJobRequest/Operation/RestoreObject/Tier must be one of Expedited, Standard, Bulk; got "Fast".',
  ],
  [
    'both Manifest and KeyPrefixManifestGenerator',
    {
      KeyPrefixManifestGenerator:
        '<KeyPrefixManifestGenerator><SourceBucket>source</SourceBucket></KeyPrefixManifestGenerator>',
    },
    'CreateJobRequest must contain only one of Manifest and KeyPrefixManifestGenerator; both were given.',
  ],
  [
    'neither Manifest nor KeyPrefixManifestGenerator',
    { Manifest: undefined },
    'CreateJobRequest must contain one of Manifest and KeyPrefixManifestGenerator; neither was given.',
  ],
  [
    'Manifest without Location',
    { Manifest: '<Manifest><Spec><Format>OSS_BatchOperations_CSV_20250611</Format></Spec></Manifest>' },
    'CreateJobRequest/Manifest/Location is required.',
  ],
  [
    'Manifest without Spec',
    { Manifest: `<Manifest><Location>${LOC}</Location></Manifest>` },
    'CreateJobRequest/Manifest/Spec is required.',
  ],
  [
    'Manifest without Bucket',
    { Manifest: manifest('<Object>manifest.csv</Object>') },
    'CreateJobRequest/Manifest/Location/Bucket is required.',
  ],
  [
    'Manifest with empty Object',
    { Manifest: manifest('<Bucket>manifests</Bucket><Object></Object>') },
    'CreateJobRequest/Manifest/Location/Object must not be empty.',
  ],
  [
    'Manifest without Format',
    { Manifest: manifest(LOC, '<Spec><Fields>Bucket,Key</Fields></Spec>') },
    'CreateJobRequest/Manifest/Spec/Format is required (one of OSS_BatchOperations_CSV_20250611, OSS_InventoryReport_CSV_20250611).',
  ],
  [
    'bad Format',
    { Manifest: manifest(LOC, '<Spec><Format>csv</Format></Spec>') },
    'CreateJobRequest/Manifest/Spec/Format must be one of OSS_BatchOperations_CSV_20250611, OSS_InventoryReport_CSV_20250611; got "csv".',
  ],
  [
    'Fields with an unknown column',
    { Manifest: manifest(LOC, csvSpec('Bucket,Key,Size')) },
    'CreateJobRequest/Manifest/Spec/Fields may contain only Bucket, Key, VersionId, Ignore (comma-separated); got "Size".',
  ],
  [
    'Fields without Bucket',
    { Manifest: manifest(LOC, csvSpec('Key,VersionId')) },
    'CreateJobRequest/Manifest/Spec/Fields must contain Bucket and Key; got "Key,VersionId".',
  ],
  [
    'Fields with Key twice',
    { Manifest: manifest(LOC, csvSpec('Bucket,Key,Key')) },
    'CreateJobRequest/Manifest/Spec/Fields must name Key at most once; got "Bucket,Key,Key".',
  ],
  [
    'KeyPrefixManifestGenerator without SourceBucket',
    {
      Manifest: undefined,
      KeyPrefixManifestGenerator:
        '<KeyPrefixManifestGenerator><Prefix>a/</Prefix></KeyPrefixManifestGenerator>',
    },
    'CreateJobRequest/KeyPrefixManifestGenerator/SourceBucket is required.',
  ],
  [
    'Report without Enabled',
    { Report: report('<Bucket>reports</Bucket>') },
    'CreateJobRequest/Report/Enabled is required (true or false).',
  ],
  [
    'Report Enabled=yes',
    { Report: report('<Enabled>yes</Enabled>') },
    'CreateJobRequest/Report/Enabled must be true or false; got "yes".',
  ],
  [
    'Report enabled without Bucket',
    { Report: report('<Enabled>true</Enabled>') },
    'CreateJobRequest/Report/Bucket is required when Report/Enabled is true.',
  ],
  [
    'bad ReportScope',
    { Report: report('<Bucket>reports</Bucket><Enabled>true</Enabled><ReportScope>Some</ReportScope>') },
    'CreateJobRequest/Report/ReportScope must be one of AllTasks, FailedTasksOnly; got "Some".',
  ],
  [
    '513-character report Prefix',
    { Report: report(`<Bucket>reports</Bucket><Enabled>true</Enabled><Prefix>${'p'.repeat(513)}</Prefix>`) },
    'CreateJobRequest/Report/Prefix must be at most 512 characters long; got 513.',
  ],
  [
    '512 three-byte characters in the report Prefix (issue 12: keys past 1023 bytes)',
    { Report: report(`<Bucket>reports</Bucket><Enabled>true</Enabled><Prefix>${'字'.repeat(512)}</Prefix>`) },
    'CreateJobRequest/Report/Prefix must be at most 930 bytes long in UTF-8, so that report keys (the prefix + 93 bytes) stay within the 1023-byte object key limit; got 1536 bytes.',
  ],
  [
    'a report Prefix one byte over (931 bytes)',
    {
      Report: report(`<Bucket>reports</Bucket><Enabled>true</Enabled><Prefix>${'é'.repeat(465)}x</Prefix>`),
    },
    'CreateJobRequest/Report/Prefix must be at most 930 bytes long in UTF-8, so that report keys (the prefix + 93 bytes) stay within the 1023-byte object key limit; got 931 bytes.',
  ],
  [
    'a manifest Object of 1024 bytes (512 two-byte characters)',
    { Manifest: manifest(`<Bucket>manifests</Bucket><Object>${'é'.repeat(512)}</Object>`) },
    'CreateJobRequest/Manifest/Location/Object must be at most 1023 bytes long in UTF-8 (the object key limit); got 1024 bytes.',
  ],
  [
    'a manifest Bucket that no bucket can be named',
    { Manifest: manifest('<Bucket>Bücket</Bucket><Object>manifest.csv</Object>') },
    'CreateJobRequest/Manifest/Location/Bucket must be a bucket name: 3 to 63 characters of a-z, 0-9 and -, not starting or ending with -; got "Bücket".',
  ],
  [
    'a report Bucket of 64 characters',
    { Report: report(`<Bucket>${'b'.repeat(64)}</Bucket><Enabled>true</Enabled>`) },
    `CreateJobRequest/Report/Bucket must be a bucket name: 3 to 63 characters of a-z, 0-9 and -, not starting or ending with -; got "${'b'.repeat(64)}".`,
  ],
  [
    'a KeyPrefixManifestGenerator SourceBucket of 2 characters',
    {
      Manifest: undefined,
      KeyPrefixManifestGenerator:
        '<KeyPrefixManifestGenerator><SourceBucket>ab</SourceBucket></KeyPrefixManifestGenerator>',
    },
    'CreateJobRequest/KeyPrefixManifestGenerator/SourceBucket must be a bucket name: 3 to 63 characters of a-z, 0-9 and -, not starting or ending with -; got "ab".',
  ],
  [
    'a KeyPrefixManifestGenerator Prefix of 1024 bytes',
    {
      Manifest: undefined,
      KeyPrefixManifestGenerator: `<KeyPrefixManifestGenerator><SourceBucket>source</SourceBucket><Prefix>${'é'.repeat(512)}</Prefix></KeyPrefixManifestGenerator>`,
    },
    'CreateJobRequest/KeyPrefixManifestGenerator/Prefix must be at most 1023 bytes long in UTF-8 (the object key limit); got 1024 bytes.',
  ],
  [
    'ConfirmationRequired=TRUE',
    { ConfirmationRequired: '<ConfirmationRequired>TRUE</ConfirmationRequired>' },
    'CreateJobRequest/ConfirmationRequired must be true or false; got "TRUE".',
  ],
  [
    'Priority -1',
    { Priority: '<Priority>-1</Priority>' },
    'CreateJobRequest/Priority must be an integer between 0 and 2147483647; got "-1".',
  ],
  [
    'Priority 2147483648',
    { Priority: '<Priority>2147483648</Priority>' },
    'CreateJobRequest/Priority must be an integer between 0 and 2147483647; got "2147483648".',
  ],
  [
    'Priority abc',
    { Priority: '<Priority>abc</Priority>' },
    'CreateJobRequest/Priority must be an integer between 0 and 2147483647; got "abc".',
  ],
  [
    '257-character Description',
    { Description: `<Description>${'d'.repeat(257)}</Description>` },
    'CreateJobRequest/Description must be at most 256 characters long; got 257.',
  ],
  [
    '65-character ClientRequestToken',
    { ClientRequestToken: `<ClientRequestToken>${'t'.repeat(65)}</ClientRequestToken>` },
    'CreateJobRequest/ClientRequestToken must be 1 to 64 characters long; got 65.',
  ],
  [
    'empty ClientRequestToken',
    { ClientRequestToken: '<ClientRequestToken></ClientRequestToken>' },
    'CreateJobRequest/ClientRequestToken must be 1 to 64 characters long; got 0.',
  ],
];
