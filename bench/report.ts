import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';

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

/**
 * Write `bench/results/<name>-<date>.json`: the run's date, machine (with the load after), and
 * `fields`. Every run gets a file of its own, so a run never overwrites a committed result.
 */
export function writeResults(name: string, machine: Machine, seconds: number, fields: Record<string, unknown>): void {
  const date = new Date().toISOString();
  const results = { date, machine: { ...machine, loadavg_after: loadavg() }, seconds, ...fields };
  const dir = new URL('./results/', import.meta.url);
  mkdirSync(dir, { recursive: true });
  writeFileSync(new URL(`${name}-${date.replace(/[:.]/g, '-')}.json`, dir), `${JSON.stringify(results, null, 2)}\n`, { flag: 'wx' });
}
