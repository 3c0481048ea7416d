/**
 * Blocks this thread for `ms` milliseconds without spinning. For synchronous waits only (a lock
 * directory, a child process's ready file), where there is no event loop turn to wait on.
 */
export function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
