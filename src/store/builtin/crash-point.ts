/**
 * Fault injection for the crash tests (test/store/multipart-crash.test.ts): when the server process runs with
 * OSSBATCH_CRASH_AT=<name>, reaching that point kills it with SIGKILL, exactly as `kill -9` would, so a test
 * can stop a CompleteMultipartUpload between any two of its durable steps. Inert when the variable is unset.
 */
export function crashPoint(name: string): void {
  if (process.env.OSSBATCH_CRASH_AT === name) process.kill(process.pid, 'SIGKILL');
}
