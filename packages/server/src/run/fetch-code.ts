import { HttpError } from '../http/http-error.ts';

const FETCH_TIMEOUT = 10_000;
const MAX_CODE_BYTES = 1024 * 1024;

/** The code of a webtask created with `url`: fetched over http(s), with a time and a size limit. */
export async function fetchCode(url: string): Promise<string> {
  if (!/^https?:\/\//i.test(url)) throw new HttpError(400, `The webtask's url must be http(s): ${url}`);
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT), redirect: 'follow' });
  } catch (error) {
    throw new HttpError(502, `The webtask's code could not be fetched from ${url}: ${(error as Error).message}`);
  }
  if (!response.ok) throw new HttpError(502, `The webtask's code could not be fetched from ${url}: HTTP ${response.status}`);
  const length = Number(response.headers.get('content-length') ?? 0);
  if (length > MAX_CODE_BYTES) throw new HttpError(502, `The webtask's code at ${url} is over ${MAX_CODE_BYTES} bytes.`);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = response.body?.getReader();
  while (reader) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_CODE_BYTES) {
      await reader.cancel();
      throw new HttpError(502, `The webtask's code at ${url} is over ${MAX_CODE_BYTES} bytes.`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString();
}
