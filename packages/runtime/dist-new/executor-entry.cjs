'use strict';

const node_worker_threads = require('node:worker_threads');
const executorGuest = require('./chunks/executor-guest-7ol8CBb2.cjs');
require('node:module');
require('node:url');
require('@ext-compilers/modules');
require('node:crypto');
require('node:path');
require('@ext-compilers/core');
require('ext-compilers');
require('ext-compilers/actions');
require('node:os');
require('node:fs');
require('node:async_hooks');
require('node:util');
require('node:stream');
require('node:events');
require('node:http');
require('node:querystring');

function serveGuest(channel) {
  const waiting = /* @__PURE__ */ new Map();
  let nextSid = 1;
  const onLog = ({ level, message, webtask, requestId, time }) => channel.send({ type: "log", level, text: message, webtask, requestId, time });
  const logger = executorGuest.scopedLogger(onLog);
  executorGuest.patchConsole((level, args) => logger[level](...args));
  const environment = {
    storage: (webtask) => executorGuest.createProxyHandle((operation, cb) => {
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
    const result = job.known ? executorGuest.runKnown(job.known, job.request, job.log ? environment : unattributed) : Promise.resolve(unknownWebtask());
    result.then(({ statusCode, headers, body, timing, requestId: resultId }) => {
      channel.send({ type: "result", id: job.id, statusCode, headers, body: typeof body === "string" ? body : executorGuest.ownBytes(body), timing, requestId: resultId });
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
    const known = typeof message.webtask === "string" ? executorGuest.knownWebtask(message.webtask) : executorGuest.remember(message.webtask);
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
  return executorGuest.jsonResult(500, { code: 500, error: "Executor protocol error.", message: "The guest does not hold the webtask it was asked to run." });
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
  const port = node_worker_threads.parentPort;
  if (port && node_worker_threads.workerData?.[executorGuest.GUEST_MARKER] === true) {
    serveGuest({ send: (message) => port.postMessage(message), onMessage: (listener) => void port.on("message", listener) });
    return true;
  }
  if (process.send && process.argv.includes(executorGuest.GUEST_MARKER)) {
    const send = process.send.bind(process);
    process.on("disconnect", () => process.exit(0));
    serveGuest({ send: (message) => void send(message), onMessage: (listener) => void process.on("message", (message) => listener(message)) });
    return true;
  }
  return false;
}

exports.serving = serving;
//# sourceMappingURL=executor-entry.cjs.map
