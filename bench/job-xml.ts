/**
 * A CreateJob body: one operation over a CSV manifest, an AllTasks report. Apart from job-client.ts so
 * that bench/jobs.ts (the measured server process) builds it without loading ali-oss.
 */
export function createJobXml(i: {
  operation: string;
  manifest: { bucket: string; object: string };
  report: { bucket: string; prefix: string };
  roleArn: string;
}): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?><CreateJobRequest><ConfirmationRequired>false</ConfirmationRequired>` +
    `<Operation>${i.operation}</Operation>` +
    `<Report><Bucket>${i.report.bucket}</Bucket><Enabled>true</Enabled><Prefix>${i.report.prefix}</Prefix><ReportScope>AllTasks</ReportScope></Report>` +
    `<Manifest><Location><Bucket>${i.manifest.bucket}</Bucket><Object>${i.manifest.object}</Object></Location>` +
    `<Spec><Format>OSS_BatchOperations_CSV_20250611</Format></Spec></Manifest>` +
    `<Description>bench</Description><Priority>10</Priority><RoleArn>${i.roleArn}</RoleArn></CreateJobRequest>`
  );
}
