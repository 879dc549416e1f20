import { Command, InvalidArgumentError } from 'commander';
import { type BenchOptions, SCENARIO_NAMES, type ScenarioName } from './scenarios/context';

function positive(value: string): number {
  if (!/^\d+(\.\d+)?$/.test(value) || Number(value) <= 0) throw new InvalidArgumentError('expected a positive number');
  return Number(value);
}

function whole(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new InvalidArgumentError('expected a whole number ≥ 1');
  return Number(value);
}

function nonNegative(value: string): number {
  if (!/^\d+(\.\d+)?$/.test(value)) throw new InvalidArgumentError('expected a number ≥ 0');
  return Number(value);
}

function wholeList(value: string): number[] {
  return value.split(',').map((item) => whole(item.trim()));
}

/** `memory` is measured during `writes` (scenario 6 is "at the end of scenario 2"). */
function scenarioList(value: string): ScenarioName[] {
  if (value === 'all') return [...SCENARIO_NAMES];
  const names = value.split(',').map((item) => item.trim());
  const chosen = new Set<ScenarioName>();
  for (const name of names) {
    if (name === 'memory') chosen.add('writes');
    else if ((SCENARIO_NAMES as readonly string[]).includes(name)) chosen.add(name as ScenarioName);
    else throw new InvalidArgumentError(`unknown scenario ${name}: expected all, memory or ${SCENARIO_NAMES.join(', ')}`);
  }
  return SCENARIO_NAMES.filter((name) => chosen.has(name));
}

interface RawOptions {
  scenario: ScenarioName[];
  duration?: number;
  warmup: number;
  rates: number[];
  delayConnections: number;
  clients: number[];
  getClients: number;
  pipeline: number;
  groups: number;
  catchupTimeout: number;
  keys: number;
  valueSize: number;
  keepStack?: boolean;
  wBatchSize?: number;
  out?: string;
}

export const DEFAULT_DELAY_DURATION_S = 20;
export const DEFAULT_DURATION_S = 10;

/** Parses the command line into the bench's options. */
export function parseOptions(argv: readonly string[]): BenchOptions {
  const program = new Command('npm run bench --')
    .description(
      'Builds kbinlog, starts a local cluster on bench-only ports (Kafka, a source and two replicas on MariaDB), runs the scenarios against their references and prints one table; a JSON copy goes to bench/results/.',
    )
    .option('--scenario <names>', `comma-separated: all, ${SCENARIO_NAMES.join(', ')}, memory (= writes)`, scenarioList, [...SCENARIO_NAMES])
    .option('--duration <s>', `seconds each measurement runs (default: delay ${DEFAULT_DELAY_DURATION_S} per rate and side, the others ${DEFAULT_DURATION_S} per run)`, positive)
    .option('--warmup <s>', 'seconds run but not counted before each closed-loop measurement', nonNegative, 1)
    .option('--rates <list>', 'delay: offered memcached sets per second, one run each (the delay curve)', wholeList, [100, 1000, 5000])
    .option('--delay-connections <n>', 'delay: connections carrying the paced sets (one request in flight each)', whole, 100)
    .option('--clients <list>', 'writes: client counts (memcached sets and SQL upserts through kbinlog, autocommit SQL on MariaDB)', wholeList, [1, 8, 50])
    .option('--get-clients <n>', 'gets: client connections', whole, 8)
    .option('--pipeline <n>', 'gets: requests in flight per connection', whole, 1)
    .option('--groups <n>', 'catchup: binlog groups the stopped replica must apply', whole, 100_000)
    .option('--catchup-timeout <s>', 'catchup: give up waiting after this many seconds', positive, 600)
    .option('--keys <n>', 'key space per scenario', whole, 1000)
    .option('--value-size <bytes>', 'memcached value / SQL string size', whole, 32)
    .option('--keep-stack', 'reuse a running bench cluster if there is one, and leave it running at the end')
    .option('--w-batch-size <n>', "the source's --w-batch-size (daemon_memcached_w_batch_size) for a fresh cluster", whole)
    .option('--out <file>', 'JSON results file (default bench/results/<timestamp>.json)')
    .showHelpAfterError()
    .parse(['node', 'bench', ...argv]);
  const raw = program.opts<RawOptions>();
  return {
    scenarios: raw.scenario,
    delayDurationS: raw.duration ?? DEFAULT_DELAY_DURATION_S,
    durationS: raw.duration ?? DEFAULT_DURATION_S,
    warmupS: raw.warmup,
    rates: raw.rates,
    delayConnections: raw.delayConnections,
    clients: raw.clients,
    getClients: raw.getClients,
    pipeline: raw.pipeline,
    groups: raw.groups,
    catchupTimeoutS: raw.catchupTimeout,
    keys: raw.keys,
    valueSize: raw.valueSize,
    keepStack: raw.keepStack === true,
    wBatchSize: raw.wBatchSize,
    out: raw.out,
  };
}
