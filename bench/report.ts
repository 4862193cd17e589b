import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The machine a benchmark ran on, read when it starts. */
export interface Machine {
  node: string;
  cpu: string;
  cores: number;
  loadavg_before: number[];
}

export function describeMachine(): Machine {
  return { node: process.version, cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, loadavg_before: loadavg() };
}

/** The one-line machine note printed under a benchmark's tables. */
export function machineNote(machine: Machine, seconds: number): string {
  return `${machine.node}, ${machine.cores} × ${machine.cpu}, load ${machine.loadavg_before.map((l) => l.toFixed(2)).join(' ')}, ${seconds.toFixed(0)} s`;
}

const RESULTS = fileURLToPath(new URL('./results/', import.meta.url));

/**
 * Write `bench/results/<name>-<date>.json` (or into `options.directory`): the run's date, machine
 * (with the load after), and `fields`. Every run gets a file of its own, so a run never
 * overwrites a committed record (`compilers.json`, an earlier run's file): the file is created
 * only if its name is free (`wx`), and a name taken (two runs in one millisecond) gets `-2`, `-3`…
 * Returns the file's path.
 */
export function writeResults(name: string, machine: Machine, seconds: number, fields: Record<string, unknown>, options: { directory?: string } = {}): string {
  const date = new Date().toISOString();
  const text = `${JSON.stringify({ date, machine: { ...machine, loadavg_after: loadavg() }, seconds, ...fields }, null, 2)}\n`;
  const directory = options.directory ?? RESULTS;
  mkdirSync(directory, { recursive: true });
  for (let n = 1; ; n++) {
    const file = join(directory, `${name}-${date.replace(/[:.]/g, '-')}${n === 1 ? '' : `-${n}`}.json`);
    try {
      writeFileSync(file, text, { flag: 'wx' });
      return file;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}
