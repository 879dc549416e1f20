import { readFileSync } from 'node:fs';

/**
 * `node bench/dist/profile/cpuprofile-top.js <file.cpuprofile> [--from-us N] [--until-us N] [--top 25]`:
 * where a `node --cpu-prof` profile spent its time, without DevTools. Prints self time by
 * function, by file and by package, and inclusive time of kbinlog's own functions, as shares of
 * the busy time (every sample but `(idle)`). `--from-us`/`--until-us` keep the samples of a
 * window, in the profile's own clock: CLOCK_MONOTONIC microseconds, what
 * `process.hrtime.bigint() / 1000n` prints in any Node process on the host.
 */

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  readonly children?: readonly number[];
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

interface Options {
  readonly file: string;
  readonly fromUs: number;
  readonly untilUs: number;
  readonly top: number;
}

function parseArgs(argv: readonly string[]): Options {
  let file = '';
  let fromUs = -Infinity;
  let untilUs = Infinity;
  let top = 25;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--from-us') fromUs = Number(argv[++i]);
    else if (arg === '--until-us') untilUs = Number(argv[++i]);
    else if (arg === '--top') top = Number(argv[++i]);
    else file = arg;
  }
  if (!file || Number.isNaN(fromUs) || Number.isNaN(untilUs) || !(top > 0)) {
    throw new Error('usage: cpuprofile-top <file.cpuprofile> [--from-us N] [--until-us N] [--top 25]');
  }
  return { file, fromUs, untilUs, top };
}

/** The file a frame belongs to, shortened to what follows the checkout (or node_modules). */
function fileOf(frame: CallFrame): string {
  if (!frame.url) return frame.functionName.startsWith('(') ? frame.functionName : '(native)';
  const url = frame.url.replace(/^file:\/\//, '');
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) return url.slice(modules + 1);
  const dist = url.indexOf('/dist/');
  return dist >= 0 ? url.slice(dist + 1) : url;
}

/** node_modules/<package>, dist/<apps|libs>/<project>, node:<internal>, or the pseudo-frame. */
function packageOf(file: string): string {
  const modules = /^node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
  if (modules) return modules[1];
  const project = /^dist\/(?:apps|libs)\/([^/]+)/.exec(file);
  if (project) return `kbinlog ${project[1]}`;
  if (file.startsWith('node:')) return 'node (internals)';
  return file;
}

function functionKey(frame: CallFrame): string {
  if (!frame.url) return frame.functionName || '(anonymous native)';
  return `${frame.functionName || '(anonymous)'}  ${fileOf(frame)}:${frame.lineNumber + 1}`;
}

function addTo(map: Map<string, number>, key: string, value: number): void {
  map.set(key, (map.get(key) ?? 0) + value);
}

function table(title: string, totals: Map<string, number>, busyUs: number, top: number): string {
  const rows = [...totals].sort((a, b) => b[1] - a[1]).slice(0, top);
  const lines = rows.map(([key, us]) => `${((100 * us) / busyUs).toFixed(1).padStart(6)}%  ${(us / 1000).toFixed(0).padStart(7)} ms  ${key}`);
  return [`${title}:`, ...lines].join('\n');
}

function summarize(profile: CpuProfile, options: Options): string {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

  const selfByFunction = new Map<string, number>();
  const selfByFile = new Map<string, number>();
  const selfByPackage = new Map<string, number>();
  const inclusiveOwn = new Map<string, number>();
  let busyUs = 0;
  let idleUs = 0;
  let time = profile.startTime;
  let first = Infinity;
  let last = -Infinity;
  for (let i = 0; i < profile.samples.length; i++) {
    time += profile.timeDeltas[i];
    if (time < options.fromUs || time > options.untilUs) continue;
    first = Math.min(first, time);
    last = Math.max(last, time);
    // A sample stands for the interval until the next one.
    const weight = i + 1 < profile.timeDeltas.length ? profile.timeDeltas[i + 1] : profile.timeDeltas[i];
    const node = byId.get(profile.samples[i]);
    if (!node) continue;
    if (node.callFrame.functionName === '(idle)') {
      idleUs += weight;
      continue;
    }
    busyUs += weight;
    const file = fileOf(node.callFrame);
    addTo(selfByFunction, functionKey(node.callFrame), weight);
    addTo(selfByFile, file, weight);
    addTo(selfByPackage, packageOf(file), weight);
    const seen = new Set<string>();
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
      const frame = byId.get(id)?.callFrame;
      if (!frame || !fileOf(frame).startsWith('dist/')) continue;
      const key = functionKey(frame);
      if (!seen.has(key)) addTo(inclusiveOwn, key, weight);
      seen.add(key);
    }
  }
  if (busyUs === 0) return `${options.file}: no busy samples in the window`;
  const windowUs = last - first;
  return [
    `${options.file}`,
    `window ${(windowUs / 1e6).toFixed(1)} s: busy ${(busyUs / 1e6).toFixed(2)} s (${((100 * busyUs) / windowUs).toFixed(0)}% of one core), idle ${(idleUs / 1e6).toFixed(2)} s; shares below are of the busy time`,
    '',
    table('self time by function', selfByFunction, busyUs, options.top),
    '',
    table('self time by file', selfByFile, busyUs, options.top),
    '',
    table('self time by package', selfByPackage, busyUs, options.top),
    '',
    table("inclusive time of kbinlog's own functions (dist/)", inclusiveOwn, busyUs, options.top),
    '',
  ].join('\n');
}

const options = parseArgs(process.argv.slice(2));
process.stdout.write(summarize(JSON.parse(readFileSync(options.file, 'utf8')) as CpuProfile, options));
