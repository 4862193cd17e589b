// `npm start`: compile a client-credentials-exchange hook with ext-compilers, serve it over a real
// HTTP server on 127.0.0.1 (the compiler reads the JSON body from the socket itself), call it with
// and without the right Bearer secret, print both envelopes, and stop.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { nodejsCompiler } from '@ext-compilers/conformance';
import type { ExtensibilityHandler } from '@ext-compilers/core';
import * as compilers from 'ext-compilers';

const hook = `
module.exports = function (client, scope, audience, context, cb) {
  if (scope.includes('admin')) return cb(new InvalidScopeError('admin is not for machines'));
  cb(null, { scope: scope.concat('read:leads'), 'https://example.com/tier': client.metadata.tier });
};
`;
const secrets = { 'auth0-extension-secret': 'demo-secret-please-rotate' };
const body = { audience: 'https://api.example.com', client: { id: 'c1', name: 'CRM sync', metadata: { tier: 'gold' } }, scope: ['read:users'] };

const handler = await new Promise<ExtensibilityHandler>((resolve, reject) =>
  compilers['client-credentials-exchange']({ script: hook, nodejsCompiler, secrets }, (error, fn) => (error ? reject(error) : resolve(fn!))),
);

const server = createServer((req, res) => handler({ headers: req.headers, secrets }, req, res));
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;

async function call(label: string, authorization?: string): Promise<void> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (authorization) headers.authorization = authorization;
  const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body) });
  console.log(`\n${label}\n  HTTP ${response.status}\n  ${await response.text()}`);
}

console.log(`client-credentials-exchange hook served at ${url}`);
await call('With the right Bearer secret:', `Bearer ${secrets['auth0-extension-secret']}`);
await call('With a wrong Bearer secret:', 'Bearer guess');
server.close();
