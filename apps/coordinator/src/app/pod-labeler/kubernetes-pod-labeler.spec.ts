import { mkdtempSync, writeFileSync } from 'node:fs';
import { Agent, createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inClusterAccess, KubernetesPodLabeler } from './kubernetes-pod-labeler';

interface Seen {
  method: string;
  path: string;
  contentType: string | undefined;
  authorization: string | undefined;
  body: unknown;
}

/** A stand-in API server that records every request and answers `status`. */
async function apiServer(status = 200) {
  const seen: Seen[] = [];
  const server = createServer((request: IncomingMessage, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      seen.push({ method: request.method ?? '', path: request.url ?? '', contentType: request.headers['content-type'], authorization: request.headers.authorization, body: JSON.parse(body) });
      response.writeHead(status, { 'content-type': 'application/json' }).end(status === 200 ? '{"kind":"Pod"}' : '{"kind":"Status","message":"pods \\"x\\" is forbidden"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { seen, baseUrl: `http://127.0.0.1:${port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('coordinator > pod labeler > kubernetes', () => {
  it('merge-patches role=replica on the other pods, then role=source on the source pod, with the bearer token', async () => {
    const api = await apiServer();
    const agent = new Agent();
    try {
      await new KubernetesPodLabeler({ baseUrl: api.baseUrl, token: 'tok-123', namespace: 'db', agent }).setRoles('kbinlog-1', ['kbinlog-0', 'kbinlog-2']);
      expect(api.seen).toEqual([
        { method: 'PATCH', path: '/api/v1/namespaces/db/pods/kbinlog-0', contentType: 'application/merge-patch+json', authorization: 'Bearer tok-123', body: { metadata: { labels: { role: 'replica' } } } },
        { method: 'PATCH', path: '/api/v1/namespaces/db/pods/kbinlog-2', contentType: 'application/merge-patch+json', authorization: 'Bearer tok-123', body: { metadata: { labels: { role: 'replica' } } } },
        { method: 'PATCH', path: '/api/v1/namespaces/db/pods/kbinlog-1', contentType: 'application/merge-patch+json', authorization: 'Bearer tok-123', body: { metadata: { labels: { role: 'source' } } } },
      ]);
    } finally {
      agent.destroy();
      await api.close();
    }
  });

  it('rejects with the API server status and message when a patch is refused (missing RBAC)', async () => {
    const api = await apiServer(403);
    const agent = new Agent();
    try {
      await expect(new KubernetesPodLabeler({ baseUrl: api.baseUrl, token: 't', namespace: 'db', agent }).setRoles('p', [])).rejects.toThrow(/PATCH pod db\/p role=source: 403 .*forbidden/);
    } finally {
      agent.destroy();
      await api.close();
    }
  });

  it('reads in-cluster access from the service account directory and the environment', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sa-'));
    writeFileSync(join(dir, 'token'), 'sa-token\n');
    writeFileSync(join(dir, 'namespace'), 'kbinlog-prod\n');
    writeFileSync(join(dir, 'ca.crt'), '');
    const access = inClusterAccess('', { KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '6443' }, dir);
    expect({ baseUrl: access.baseUrl, token: access.token, namespace: access.namespace }).toEqual({ baseUrl: 'https://10.96.0.1:6443', token: 'sa-token', namespace: 'kbinlog-prod' });
    expect(inClusterAccess('other', { KUBERNETES_SERVICE_HOST: 'fd00::1' }, dir)).toMatchObject({ baseUrl: 'https://[fd00::1]:443', namespace: 'other' });
    expect(() => inClusterAccess('', {}, dir)).toThrow(/KUBERNETES_SERVICE_HOST/);
  });
});
