// The hook the server benchmarks run: client-credentials-exchange with its Bearer secret, as a
// platform calls it (the body Auth0 posts, the Bearer header from the hook's secret).
import { type BenchPoint, POINTS } from './points.ts';

export const SECRET = 'c2VjcmV0LWZvci10aGUtYmVuY2htYXJrLTMyYnl0ZXM';
export const POINT: BenchPoint = POINTS.find((point) => point.name === 'client-credentials-exchange')!;
export const META: Record<string, string> = { 'wt-compiler': 'ext-compilers/client-credentials-exchange', 'auth0-extension-secret': SECRET };
export const SECRETS: Record<string, string> = { 'auth0-extension-secret': SECRET };
export const BODY: string = JSON.stringify(POINT.body());
export const HEADERS: Record<string, string> = { authorization: `Bearer ${SECRET}`, 'content-type': 'application/json' };
export const quiet: { info(): void; warn(): void; error(): void } = { info() {}, warn() {}, error() {} };
