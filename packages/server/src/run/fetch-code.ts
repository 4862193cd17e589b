import { get as httpGet, type IncomingMessage } from 'node:http';
import { get as httpsGet } from 'node:https';
import { isIP } from 'node:net';
import { type EgressAllow, egressDecision, guardedLookup, parseEgressAllow } from '@ext-compilers/runtime';
import { HttpError } from '../http/http-error.ts';

const FETCH_TIMEOUT = 10_000;
const MAX_CODE_BYTES = 1024 * 1024;
// What fetch follows, and as many times.
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 20;

/**
 * The code of a webtask created with `url`: fetched over http(s), with a time and a size limit,
 * under the egress rules the webtasks themselves obey — a url (or a redirect) to a loopback,
 * private, link-local or otherwise special address, or to this server, is refused unless `allow`
 * admits it. Each hop is resolved once and connected to by the address that was checked.
 */
export async function fetchCode(url: string, allow: EgressAllow = parseEgressAllow([])): Promise<string> {
  if (!/^https?:\/\//i.test(url)) throw new HttpError(400, `The webtask's url must be http(s): ${url}`);
  const signal = AbortSignal.timeout(FETCH_TIMEOUT);
  let target = url;
  for (let redirects = 0; ; redirects++) {
    const response = await request(target, allow, signal).catch((error: Error) => {
      throw new HttpError(502, `The webtask's code could not be fetched from ${url}: ${error.message}`);
    });
    const status = response.statusCode ?? 0;
    const location = response.headers.location;
    if (REDIRECTS.has(status) && location !== undefined) {
      response.resume();
      if (redirects === MAX_REDIRECTS) throw new HttpError(502, `The webtask's code could not be fetched from ${url}: over ${MAX_REDIRECTS} redirects`);
      target = redirected(location, target, url);
      continue;
    }
    if (status < 200 || status > 299) {
      response.resume();
      throw new HttpError(502, `The webtask's code could not be fetched from ${url}: HTTP ${status}`);
    }
    return readCode(response, url);
  }
}

/** Where a redirect goes: an http(s) URL, checked again like the first by the next request. */
function redirected(location: string, from: string, url: string): string {
  const next = URL.canParse(location, from) ? new URL(location, from) : undefined;
  if (next?.protocol !== 'http:' && next?.protocol !== 'https:') throw new HttpError(502, `The webtask's code could not be fetched from ${url}: a redirect to ${location}`);
  return next.href;
}

/** One GET, its host checked: a name through `guardedLookup`, an IP literal (which Node never looks up) here. */
async function request(target: string, allow: EgressAllow, signal: AbortSignal): Promise<IncomingMessage> {
  const parsed = new URL(target);
  const https = parsed.protocol === 'https:';
  const port = Number(parsed.port || (https ? 443 : 80));
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  if (isIP(host)) {
    const verdict = egressDecision(host, port, allow);
    if (!verdict.allowed) throw new Error(verdict.reason);
  }
  return new Promise((resolve, reject) => {
    const get = https ? httpsGet : httpGet;
    get(parsed, { signal, lookup: guardedLookup(allow, port), agent: false }, resolve).on('error', reject);
  });
}

async function readCode(response: IncomingMessage, url: string): Promise<string> {
  const length = Number(response.headers['content-length'] ?? 0);
  if (length > MAX_CODE_BYTES) {
    response.destroy();
    throw new HttpError(502, `The webtask's code at ${url} is over ${MAX_CODE_BYTES} bytes.`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of response as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_CODE_BYTES) {
        response.destroy();
        throw new HttpError(502, `The webtask's code at ${url} is over ${MAX_CODE_BYTES} bytes.`);
      }
      chunks.push(chunk);
    }
  } catch (error) {
    if (error instanceof HttpError) throw error;
    throw new HttpError(502, `The webtask's code could not be fetched from ${url}: ${(error as Error).message}`);
  }
  return Buffer.concat(chunks).toString();
}
