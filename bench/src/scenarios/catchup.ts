import { readGroups } from '../clients/binlog-reader';
import { injectGroups } from '../clients/group-injector';
import { replicaControl, replicaStatus, sourceStatus } from '../clients/node-api';
import { binlogTopic } from '../env/layout';
import { formatCount, progress } from '../env/progress';
import { nowUs, sleep } from '../measure/clock';
import type { ScenarioResult } from '../report/result';
import { type BenchContext, nodeHttp, type Scenario, SOURCE_NODE } from './context';

const MEASURED = 'node-3';
const OTHER = 'node-2';
const POLL_MS = 100;
const PROGRESS_EVERY_MS = 5000;

/** How many of the (ascending) offsets lie below `position`. */
function countBelow(offsets: readonly bigint[], position: bigint): number {
  let low = 0;
  let high = offsets.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (offsets[middle] < position) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * Scenario 5: replica catch-up. Both replicas stop (so the measured one has the machine to
 * itself afterwards), N groups are written to the binlog, node-3 starts, and the bench
 * polls its applied position until it has applied them all: N / (caught up − started).
 * The groups are written straight to the binlog topic by the bench (see group-injector.ts):
 * through the source they would take far longer than the run's time budget. Reference: the same
 * groups fetched read_committed and decoded by kafkajs, the fetcher's ceiling.
 */
export const catchupScenario: Scenario = {
  name: 'catchup',
  async run(context: BenchContext): Promise<ScenarioResult> {
    const { options } = context;
    const measuredHttp = nodeHttp(context, MEASURED);
    const otherHttp = nodeHttp(context, OTHER);
    const topic = binlogTopic(context.layout);
    const { Server_Id: serverId } = await sourceStatus(nodeHttp(context, SOURCE_NODE));

    progress(`catch-up: stopping ${MEASURED} and ${OTHER}`);
    await replicaControl(measuredHttp, 'stop');
    await replicaControl(otherHttp, 'stop');
    const restart = async (): Promise<void> => {
      await replicaControl(measuredHttp, 'start').catch(() => undefined);
      await replicaControl(otherHttp, 'start').catch(() => undefined);
    };
    const forgetRestart = context.cleanup.add('restart the replicas', restart);
    try {
      let lastReport = 0;
      const injected = await injectGroups(context.kafka, {
        topic,
        groups: options.groups,
        serverId,
        valueSize: options.valueSize,
        perTransaction: 500,
        onProgress: (written) => {
          if (Date.now() - lastReport >= PROGRESS_EVERY_MS || written === options.groups) {
            lastReport = Date.now();
            progress(`catch-up: ${formatCount(written)}/${formatCount(options.groups)} groups written to the binlog`);
          }
        },
      });
      progress(`catch-up: wrote ${formatCount(options.groups)} groups in ${injected.seconds.toFixed(1)} s; reading them back with kafkajs (reference)…`);
      const read = await readGroups(context.kafka, topic, injected.offsets[0], injected.end);
      const kafkaPerS = read.groups.length / (read.readUs / 1e6);

      progress(`catch-up: starting ${MEASURED}`);
      const startedUs = nowUs();
      await replicaControl(measuredHttp, 'start');
      const deadline = Date.now() + options.catchupTimeoutS * 1000;
      let applied = 0;
      let caughtUp = false;
      let lastProgress = Date.now();
      let error = '';
      while (Date.now() < deadline) {
        const status = await replicaStatus(measuredHttp);
        applied = countBelow(injected.offsets, BigInt(status.Exec_Source_Log_Pos));
        if (applied === injected.offsets.length) {
          caughtUp = true;
          break;
        }
        if (status.Last_SQL_Error || status.Last_IO_Error) {
          error = status.Last_SQL_Error || status.Last_IO_Error;
          break;
        }
        if (Date.now() - lastProgress >= PROGRESS_EVERY_MS) {
          lastProgress = Date.now();
          progress(`catch-up: ${formatCount(applied)}/${formatCount(options.groups)} groups applied`);
        }
        await sleep(POLL_MS);
      }
      const seconds = (nowUs() - startedUs) / 1e6;
      const groupsPerS = applied / seconds;
      if (error) throw new Error(`${MEASURED} stopped applying: ${error}`);
      progress(`catch-up: ${formatCount(applied)}/${formatCount(options.groups)} groups applied in ${seconds.toFixed(1)} s = ${formatCount(groupsPerS)} groups/s${caughtUp ? '' : ' (NOT caught up: timeout)'}`);
      const size = `${formatCount(options.groups)} groups`;
      return {
        scenario: 'catchup',
        rows: [
          {
            scenario: 'catchup',
            figure: `${MEASURED} applies ${size} vs Kafka read`,
            unit: 'groups/s',
            kbinlog: groupsPerS,
            reference: kafkaPerS,
            referenceName: 'the same groups fetched read_committed and decoded by kafkajs',
            ...(caughtUp ? {} : { note: `not caught up: ${formatCount(applied)} applied in ${options.catchupTimeoutS} s` }),
          },
          { scenario: 'catchup', figure: `time to apply ${size}`, unit: 's', kbinlog: caughtUp ? seconds : null, reference: read.readUs / 1e6, ...(caughtUp ? {} : { note: 'timeout' }) },
        ],
        details: {
          groups: options.groups,
          injectedSeconds: injected.seconds,
          injectedPerS: options.groups / injected.seconds,
          binlogRange: { from: injected.offsets[0], until: injected.end },
          applied,
          caughtUp,
          seconds,
          groupsPerS,
          kafkaReadPerS: kafkaPerS,
          kafkaReadSeconds: read.readUs / 1e6,
          targets: { groupsPerS },
        },
      };
    } finally {
      await restart();
      forgetRestart();
    }
  },
};
