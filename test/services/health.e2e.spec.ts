/** Each service is its own process, validates its configuration and answers GET /health. */
import {
  appEntryPoint,
  nodeFlags,
  resetNodeDatabases,
  type RunningService,
  type ServiceName,
  startService,
  testInfra,
  uniqueClusterName,
} from '@kbinlog/testing';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);
const SERVICES: ServiceName[] = ['source', 'replica', 'coordinator'];
const infra = testInfra();
const cluster = uniqueClusterName('health');
const coordinatorFlags = ['--cluster', cluster, '--kafka-brokers', infra.kafka.brokers.join(',')];

/** Source and replica are nodes: each needs Kafka and its own database; the coordinator needs Kafka. */
function flags(name: ServiceName): string[] {
  switch (name) {
    case 'source':
      return [...nodeFlags(infra, { cluster, server: infra.mariadb[0], nodeName: 'source', serverId: 1 }), '--memcached-port', '0', '--mysql-port', '0'];
    case 'replica':
      return nodeFlags(infra, { cluster, server: infra.mariadb[1], nodeName: 'replica-1', serverId: 2 });
    case 'coordinator':
      return coordinatorFlags;
  }
}

beforeAll(async () => {
  await Promise.all(infra.mariadb.slice(0, 2).map(resetNodeDatabases));
});

describe.each(SERVICES)('the %s service', (name) => {
  let service: RunningService;

  beforeAll(async () => {
    service = await startService(name, flags(name));
  });

  afterAll(async () => {
    await service?.stop();
  });

  it('answers GET /health with its name and version', async () => {
    const response = await fetch(`${service.httpUrl}/health`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ status: 'ok', service: name, pid: service.process.pid });
    expect(body['version']).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('writes structured JSON logs naming the service', () => {
    const listening = service.output.map((line) => JSON.parse(line)).find((entry) => entry.event === 'http.listening');
    expect(listening).toMatchObject({ service: name, level: 30 });
  });

  it('answers an unknown path with 404 problem JSON', async () => {
    const response = await fetch(`${service.httpUrl}/no-such-path`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await response.json()).toMatchObject({ type: 'urn:kbinlog:problem:not-found', title: 'Not found', status: 404, detail: expect.stringMatching(/no-such-path/) });
  });

  it('stops cleanly on SIGTERM', async () => {
    const stopping = await startService(name, flags(name));
    expect(await stopping.stop('SIGTERM')).toBe(0);
  });

  it('refuses an invalid configuration with exit status 2 and a clear message', async () => {
    const failure = await execFileAsync(process.execPath, [appEntryPoint(name), '--http-port', 'eighty'], {
      env: { ...process.env, KBINLOG_LOG_LEVEL: 'chatty' },
    }).catch((error: { code: number; stderr: string }) => error);
    expect(failure).toMatchObject({ code: 2 });
    const { stderr } = failure as { stderr: string };
    expect(stderr).toContain(`kbinlog-${name}: invalid configuration`);
    expect(stderr).toMatch(/--http-port \(or KBINLOG_HTTP_PORT\).*"eighty"/);
    expect(stderr).toMatch(/--log-level \(or KBINLOG_LOG_LEVEL\).*"chatty"/);
  });
});

describe('the kbinlog command', () => {
  it('prints --help naming its commands', async () => {
    const { stdout } = await execFileAsync(process.execPath, [appEntryPoint('cli'), '--help']);
    expect(stdout).toContain('Usage: kbinlog');
    expect(stdout).toContain('health');
  });

  it('reports a running service healthy and an unreachable one as a failure (exit 1)', async () => {
    const service = await startService('coordinator', coordinatorFlags);
    try {
      const ok = await execFileAsync(process.execPath, [appEntryPoint('cli'), 'health', service.httpUrl]);
      expect(ok.stdout).toMatch(/^ok\s+http:\/\/127\.0\.0\.1:\d+\s+coordinator /);
      const failure = await execFileAsync(process.execPath, [appEntryPoint('cli'), 'health', service.httpUrl, 'http://127.0.0.1:1']).catch(
        (error: { code: number; stdout: string }) => error,
      );
      expect(failure).toMatchObject({ code: 1 });
      expect((failure as { stdout: string }).stdout).toMatch(/FAIL\s+http:\/\/127\.0\.0\.1:1/);
    } finally {
      await service.stop();
    }
  });
});
