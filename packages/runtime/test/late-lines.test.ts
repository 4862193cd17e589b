// Issue 15: console lines of short runs went missing from the log stream. A line a job logs after
// its answer (from a timer, then a promise) keeps its attribution when other work comes right after
// it: in this process, a job nobody streams (which used to turn the attribution off at once); in a
// pool that is full, the next job of the same container (which used to stop the guest still
// finishing that work, before an idle guest of another container).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createExecutor, createJobWebtask, type JobRequest, type LogEntry } from '@ext-compilers/runtime';

const logger = { info() {}, warn() {}, error() {} };
const get = (id: string): JobRequest => ({ id, method: 'GET', url: '/', headers: {}, body: undefined });

// Answers, then logs twice from the work it left behind: a timer, and a promise the timer starts.
const LATE = "module.exports = (ctx, cb) => { cb(null, {}); setTimeout(() => { console.log('late', ctx.id); Promise.resolve().then(() => console.log('later', ctx.id)); }, 200); };";
const QUICK = 'module.exports = (ctx, cb) => cb(null, {});';

/** The console lines (not the timing entries) as `[requestId, message]`, once `count` arrived or 3 s passed. */
async function lines(entries: LogEntry[], count: number): Promise<[string | undefined, string][]> {
  const deadline = Date.now() + 3000;
  const found = () => entries.filter((entry) => !entry.timing).map((entry): [string | undefined, string] => [entry.requestId, entry.message]);
  while (found().length < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  return found();
}

const inProcess = suite('in-process: late lines of a streamed job');
inProcess('keep their job when a job nobody streams runs right after its answer', async () => {
  const entries: LogEntry[] = [];
  const executor = createExecutor({ sandbox: 'in-process', logger, onLog: (entry) => void entries.push(entry), logWanted: (webtask) => webtask.id === 'streamed' });
  try {
    await executor.run({ webtask: createJobWebtask('streamed', LATE), request: get('req-streamed') });
    await executor.run({ webtask: createJobWebtask('quiet', QUICK), request: get('req-quiet') });
    assert.equal(await lines(entries, 2), [
      ['req-streamed', 'late req-streamed'],
      ['req-streamed', 'later req-streamed'],
    ]);
  } finally {
    await executor.close();
  }
});
inProcess.run();

const pool = suite('worker pool: late lines of a guest left to finish its work');
pool('keep arriving when the next job of its container needs room: an idle guest of another container makes it', async () => {
  const entries: LogEntry[] = [];
  // Two guests in all, one per container: the second job of `late` needs the place of one of them.
  const executor = createExecutor({ sandbox: 'worker', size: 2, containerGuests: 1, timeout: 5000, logger, onLog: (entry) => void entries.push(entry) });
  const late = createJobWebtask('late', LATE, { container: 'late' });
  try {
    await executor.run({ webtask: createJobWebtask('other', QUICK, { container: 'other' }), request: get('req-other') });
    // The other container's guest is idle, and has not asked for a job lately.
    await new Promise((resolve) => setTimeout(resolve, 100));
    await executor.run({ webtask: late, request: get('req-1') });
    await executor.run({ webtask: late, request: get('req-2') });
    assert.equal((await lines(entries, 4)).sort(), [
      ['req-1', 'late req-1'],
      ['req-1', 'later req-1'],
      ['req-2', 'late req-2'],
      ['req-2', 'later req-2'],
    ]);
  } finally {
    await executor.close();
  }
});
pool.run();
