import { workerData, parentPort } from 'node:worker_threads';
import { p as patchConsole, k as knownWebtask, r as remember, a as runKnown, j as jsonResult, s as scopedLogger, c as createProxyHandle, G as GUEST_MARKER } from './chunks/executor-guest-DDYUKLn7.js';
import 'node:module';
import 'node:url';
import '@ext-compilers/modules';
import 'node:crypto';
import 'node:path';
import '@ext-compilers/core';
import 'ext-compilers';
import 'ext-compilers/actions';
import 'node:os';
import 'node:fs';
import 'node:async_hooks';
import 'node:util';
import 'node:stream';
import 'node:events';
import 'node:http';
import 'node:querystring';

function serveGuest(channel) {
  const waiting = /* @__PURE__ */ new Map();
  let nextSid = 1;
  const onLog = ({ level, message, webtask, requestId, time }) => channel.send({ type: "log", level, text: message, webtask, requestId, time });
  const logger = scopedLogger(onLog);
  patchConsole((level, args) => logger[level](...args));
  const environment = {
    storage: (webtask) => createProxyHandle((operation, cb) => {
      const sid = nextSid++;
      waiting.set(sid, cb);
      channel.send({ type: "storage", sid, webtask: webtask.id, operation });
    }),
    logger,
    onLog
  };
  const jobs = [];
  const unattributed = { ...environment, onLog: void 0 };
  let running = false;
  const next = () => {
    const job = jobs.shift();
    if (!job) return void (running = false);
    running = true;
    const result = job.known ? runKnown(job.known, job.request, job.log ? environment : unattributed) : Promise.resolve(unknownWebtask());
    result.then(({ statusCode, headers, body, timing, requestId: resultId }) => {
      channel.send({ type: "result", id: job.id, statusCode, headers, body, timing, requestId: resultId });
      next();
    });
  };
  const fault = (error) => channel.send({ type: "fault", message: describe(error) });
  process.on("uncaughtException", fault);
  process.on("unhandledRejection", fault);
  const receive = (message) => {
    if (message.type === "storage") {
      const cb = waiting.get(message.sid);
      waiting.delete(message.sid);
      return cb?.(message.reply);
    }
    const known = typeof message.webtask === "string" ? knownWebtask(message.webtask) : remember(message.webtask);
    jobs.push({ id: message.id, known, request: message.request, log: message.log });
    if (!running) next();
  };
  channel.onMessage((message) => {
    if (!Array.isArray(message)) return receive(message);
    for (const one of message) receive(one);
  });
  channel.send({ type: "ready" });
}
function unknownWebtask() {
  return jsonResult(500, { code: 500, error: "Executor protocol error.", message: "The guest does not hold the webtask it was asked to run." });
}
function describe(error) {
  try {
    const { name, message } = error;
    return message === void 0 ? String(error) : `${String(name ?? "Error")}: ${String(message)}`;
  } catch {
    return "Unknown error";
  }
}

const serving = start();
function start() {
  const port = parentPort;
  if (port && workerData?.[GUEST_MARKER] === true) {
    serveGuest({ send: (message) => port.postMessage(message), onMessage: (listener) => void port.on("message", listener) });
    return true;
  }
  if (process.send && process.argv.includes(GUEST_MARKER)) {
    const send = process.send.bind(process);
    process.on("disconnect", () => process.exit(0));
    serveGuest({ send: (message) => void send(message), onMessage: (listener) => void process.on("message", (message) => listener(message)) });
    return true;
  }
  return false;
}

export { serving };
//# sourceMappingURL=executor-entry.js.map
