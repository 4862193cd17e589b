/**
 * Whether the process `pid` on this machine may still be running: signal 0 checks without
 * signalling; EPERM means it runs under another user. This process is alive. A value that is not
 * a positive integer names no process (0 and negative pids would address process groups).
 */
export function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
