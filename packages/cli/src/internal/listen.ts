import type { Server } from 'node:http';
import { CliError } from './errors.ts';
import { onOutputClosed } from './io.ts';

/** Listen, or a one-line CliError that says what to change. */
export function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      if (error.code === 'EADDRINUSE') reject(new CliError(`port ${port} on ${host} is in use: stop what uses it, or choose another with --port.`, 1, { cause: error }));
      else if (error.code === 'EACCES') reject(new CliError(`not allowed to listen on port ${port}: choose a port above 1023 with --port.`, 1, { cause: error }));
      else reject(new CliError(`cannot listen on ${host}:${port} (${error.code ?? error.message}): check --host and --port.`, 1, { cause: error }));
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

/**
 * Resolves on the first SIGINT or SIGTERM (Ctrl-C, or a process manager stopping us), or with
 * SIGPIPE when our output's reader goes away (`ext-compilers start | head -3`).
 */
export function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (signal: NodeJS.Signals) => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      forget();
      resolve(signal);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
    const forget = onOutputClosed(() => on('SIGPIPE'));
  });
}
