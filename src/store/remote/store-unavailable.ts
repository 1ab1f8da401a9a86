/**
 * The remote store could not be reached or listed at start-up (the CLI prints it and exits 2). In a module
 * of its own so that the CLI can recognise it without loading the remote drivers (ali-oss, the AWS SDK:
 * ~15 MB of RSS a built-in-store server never uses).
 */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';
}
