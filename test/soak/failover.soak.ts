/**
 * The failover soak (`npm run soak -- --failovers 100`): round after round under a mixed
 * memcached and SQL load, the source is killed (SIGKILL) or frozen (SIGSTOP) at a random moment;
 * the coordinator must detect it and promote another node, the victim must come back as a
 * replica (restarted, or thawed and fenced), and every node must hold every acknowledged write
 * and nothing the log lacks. Each round prints one line; the soak ends with a summary and stops
 * at the first round that does not recover (its diagnostics say why).
 */
import { type ClusterNode, type LoadProtocol, type RecoveryView, seededRandom, testInfra, TestCluster, waitFor, type WriteLoad } from '@kbinlog/testing';
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';

const FAILOVERS = Number(process.env['KBINLOG_SOAK_FAILOVERS'] ?? '100');
const SEED = Number(process.env['KBINLOG_SOAK_SEED'] ?? String(Date.now() % 1_000_000));
const CPU_HOGS = Number(process.env['KBINLOG_SOAK_CPU_HOGS'] ?? '0');
const REPORT_FILE = process.env['KBINLOG_SOAK_REPORT'];
/** Each wait of a round: a failover that takes longer than this did not recover. */
const ROUND_WAIT_MS = 60_000;

jest.setTimeout((FAILOVERS + 2) * 3 * ROUND_WAIT_MS);

interface RoundReport {
  readonly round: number;
  readonly victim: string;
  readonly fault: 'kill' | 'freeze';
  readonly promoted: string;
  /** Recoveries it took: more than one when a promotion failed and the coordinator moved on. */
  readonly attempts: number;
  readonly detectionMs: number;
  readonly firstWriteMs: number;
  /** The replica whose replication was stopped through the fault, if any. */
  readonly lagging: string | null;
  /** From the first write on the new source to the victim back as a replica and 20 more writes. */
  readonly rejoinMs: number;
  readonly convergeMs: number;
  readonly roundMs: number;
  readonly acknowledged: number;
  readonly missing: number;
  readonly divergent: number;
}

const percentile = (values: readonly number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((values.length * p) / 100))] ?? 0;
const say = (line: string) => process.stdout.write(`[soak] ${line}\n`);

describe(`failover soak: ${FAILOVERS} rounds, seed ${SEED}`, () => {
  const infra = testInfra();
  const next = seededRandom(SEED);
  const hogs: ChildProcess[] = [];
  let cluster: TestCluster;

  beforeAll(async () => {
    // A busy core beside the cluster, as on a shared machine: each hog spins one core.
    for (let index = 0; index < CPU_HOGS; index++) hogs.push(spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' }));
    cluster = await TestCluster.start(infra, { prefix: 'soak' });
  });

  afterAll(async () => {
    await cluster?.stop();
    for (const hog of hogs) hog.kill('SIGKILL');
  });

  function nextRecovery(previous: RecoveryView | null, ready: (recovery: RecoveryView) => boolean, description: string): Promise<RecoveryView> {
    return waitFor(async () => {
      const { recovery } = await cluster.topology();
      return recovery !== null && recovery.id !== previous?.id && ready(recovery) && recovery;
    }, { description, timeoutMs: ROUND_WAIT_MS, intervalMs: 50 });
  }

  /** A random mix of 2 to 8 clients, at least one of each protocol. */
  function clients(): LoadProtocol[] {
    const count = 2 + Math.floor(next() * 7);
    return Array.from({ length: count }, (_, index): LoadProtocol => (index < 2 ? (index === 0 ? 'memcached' : 'sql') : next() < 0.5 ? 'memcached' : 'sql'));
  }

  async function round(n: number): Promise<RoundReport> {
    const roundFromMs = Date.now();
    const load: WriteLoad = cluster.startLoad({ clients: clients(), pauseMs: Math.floor(next() * 20) });
    const warmup = 20 + Math.floor(next() * 100);
    await waitFor(() => load.acknowledgedCount >= warmup, { description: `round ${n}: ${warmup} writes acknowledged`, timeoutMs: ROUND_WAIT_MS });
    let before = await cluster.topology();
    const victim: ClusterNode = cluster.node(before.source?.node as string);
    const fault = next() < 0.5 ? 'kill' : 'freeze';
    // Half the rounds, one replica lags (its replication stopped, as the CI failover test does):
    // the other must be chosen, and every node takes its turn as source.
    const replicas = cluster.nodes.filter((node) => node !== victim);
    const lagging = next() < 0.5 ? replicas[Math.floor(next() * replicas.length)] : undefined;
    if (lagging) {
      before = await cluster.lagBehind(lagging, replicas.find((node) => node !== lagging) as ClusterNode, ROUND_WAIT_MS);
    }
    if (fault === 'kill') await victim.kill();
    else victim.freeze();
    const faultAtMs = Date.now();

    const recovery = await nextRecovery(before.recovery, (current) => current.from === victim.name, `round ${n}: a recovery after ${victim.name} was ${fault === 'kill' ? 'killed' : 'frozen'}`);
    const source = await cluster.waitForSource((current) => current.node !== victim.name && current.generation > (before.source?.generation ?? 0), `round ${n}: a writable source other than ${victim.name}`, ROUND_WAIT_MS);
    const firstWrite = await waitFor(() => load.ledger.firstAcknowledgedAfter(faultAtMs, victim.name), { description: `round ${n}: a write acknowledged after the ${fault}`, timeoutMs: ROUND_WAIT_MS });
    if (lagging) await lagging.replication('start');
    const rejoinFromMs = Date.now();

    // The victim comes back as a replica: restarted after a kill; thawed, fenced and demoted after a freeze.
    if (fault === 'kill') await victim.start();
    else victim.thaw();
    await victim.waitForRole('replica', ROUND_WAIT_MS);
    // Done: the last recovery (the first, or the one that replaced a promotion that failed).
    const last = await nextRecovery(null, (current) => current.startedAtMs >= recovery.startedAtMs && current.state === 'done', `round ${n}: the recovery to be done`);
    // Another recovery than the first: a promotion failed; the topology topic holds why.
    const failed = last.id === recovery.id ? [] : (await cluster.topologyHistory()).filter(({ record }) => record['kind'] === 'recovery' && record['state'] === 'failed' && Number(record['startedAtMs']) >= recovery.startedAtMs);
    for (const { record } of failed) say(`round ${n}: recovery ${String(record['id'])} failed: ${String(record['detail'])}`);
    if (failed.length > 0) {
      for (const node of cluster.nodes) for (const line of node.output.filter((text) => text.includes('"event":"promote.failed"'))) say(`round ${n}: ${node.name}: ${line}`);
    }
    await cluster.acknowledgeRecovery();
    const atRejoin = load.acknowledgedCount;
    await waitFor(() => load.acknowledgedCount >= atRejoin + 20, { description: `round ${n}: writes after ${victim.name} rejoined`, timeoutMs: ROUND_WAIT_MS });
    const stopped = await load.stop();
    const rejoinMs = Date.now() - rejoinFromMs;
    const convergeFromMs = Date.now();

    let missing: string[] = [];
    let divergent = 0;
    try {
      missing = await cluster.converge(load.ledger);
    } catch (error) {
      divergent = 1;
      say(`round ${n}: the nodes do not equal the log: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (missing.length > 0) say(`round ${n}: acknowledged writes missing: ${missing.slice(0, 10).join('; ')}`);
    return {
      round: n,
      victim: victim.name,
      fault,
      promoted: source.node,
      attempts: new Set([recovery.id, last.id, ...failed.map(({ record }) => String(record['id']))]).size,
      detectionMs: recovery.startedAtMs - faultAtMs,
      firstWriteMs: firstWrite.atMs - faultAtMs,
      lagging: lagging?.name ?? null,
      rejoinMs,
      convergeMs: Date.now() - convergeFromMs,
      roundMs: Date.now() - roundFromMs,
      acknowledged: stopped.acknowledged,
      missing: missing.length,
      divergent,
    };
  }

  it('recovers every round: a new writable source, the victim a replica again, every acknowledged write on every node', async () => {
    say(`${FAILOVERS} failovers, seed ${SEED}, ${CPU_HOGS} CPU hog(s) beside the cluster`);
    const reports: RoundReport[] = [];
    let failure: string | undefined;
    const startedAtMs = Date.now();
    for (let n = 1; n <= FAILOVERS && failure === undefined; n++) {
      try {
        const report = await round(n);
        reports.push(report);
        say(
          `round ${n}: ${report.fault} ${report.victim} → ${report.promoted}${report.attempts > 1 ? ` after ${report.attempts} recoveries` : ''}${report.lagging ? ` (${report.lagging} lagging)` : ''}: detected in ${report.detectionMs} ms, first acknowledged write after ${report.firstWriteMs} ms, ` +
            `rejoined in ${report.rejoinMs} ms; ${report.acknowledged} writes acknowledged, ${report.missing} missing, ${report.divergent ? 'DIVERGENT' : `converged in ${report.convergeMs} ms`} (round ${(report.roundMs / 1000).toFixed(1)} s)`,
        );
      } catch (error) {
        failure = `round ${n} did not recover: ${error instanceof Error ? error.message : String(error)}`;
        say(failure);
      }
    }
    const recovered = reports.filter((report) => report.missing === 0 && report.divergent === 0).length;
    const firstWrites = reports.map((report) => report.firstWriteMs);
    const detections = reports.map((report) => report.detectionMs);
    const slowest = reports.reduce<RoundReport | undefined>((worst, report) => (!worst || report.firstWriteMs > worst.firstWriteMs ? report : worst), undefined);
    const summary = {
      seed: SEED,
      cpuHogs: CPU_HOGS,
      rounds: FAILOVERS,
      recovered,
      retried: reports.filter((report) => report.attempts > 1).length,
      kills: reports.filter((report) => report.fault === 'kill').length,
      freezes: reports.filter((report) => report.fault === 'freeze').length,
      acknowledged: reports.reduce((sum, report) => sum + report.acknowledged, 0),
      missing: reports.reduce((sum, report) => sum + report.missing, 0),
      divergent: reports.reduce((sum, report) => sum + report.divergent, 0),
      detectionMs: { p50: percentile(detections, 50), p99: percentile(detections, 99), max: Math.max(0, ...detections) },
      firstWriteMs: { p50: percentile(firstWrites, 50), p99: percentile(firstWrites, 99), max: Math.max(0, ...firstWrites) },
      slowestRound: slowest ? { round: slowest.round, fault: slowest.fault, victim: slowest.victim, firstWriteMs: slowest.firstWriteMs } : null,
      seconds: Math.round((Date.now() - startedAtMs) / 1000),
      failure: failure ?? null,
      reports,
    };
    say(
      `${recovered}/${FAILOVERS} rounds recovered (${summary.kills} kills, ${summary.freezes} freezes; ${summary.retried} needed a second promotion) in ${summary.seconds} s; ${summary.acknowledged} writes acknowledged, ` +
        `${summary.missing} lost, ${summary.divergent} divergent; detection p50 ${summary.detectionMs.p50} ms, max ${summary.detectionMs.max} ms; ` +
        `fault → first acknowledged write p50 ${summary.firstWriteMs.p50} ms, p99 ${summary.firstWriteMs.p99} ms, slowest ${summary.firstWriteMs.max} ms` +
        (slowest ? ` (round ${slowest.round}, ${slowest.fault} ${slowest.victim})` : ''),
    );
    if (REPORT_FILE) writeFileSync(REPORT_FILE, `${JSON.stringify(summary, null, 2)}\n`);
    expect(failure).toBeUndefined();
    expect(recovered).toBe(FAILOVERS);
  });
});
