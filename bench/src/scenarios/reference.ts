import { MariadbReplication } from '../env/mariadb-replication';
import { ReferenceMemcached } from '../env/reference-memcached';
import { progress } from '../env/progress';
import type { BenchContext } from './context';

/**
 * Runs `body` with the reference memcached up (stopped afterwards, also on Ctrl-C), or with
 * undefined when Debian's memcached is not installed.
 */
export async function withReferenceMemcached<T>(context: BenchContext, body: (memcached: ReferenceMemcached | undefined) => Promise<T>): Promise<T> {
  if (!context.memcachedBinary) {
    progress('memcached is not installed (apt-get install memcached): the memcached reference is skipped');
    return body(undefined);
  }
  const memcached = await ReferenceMemcached.start(context.memcachedBinary, context.layout.referenceMemcachedPort);
  const forget = context.cleanup.add('reference memcached', () => memcached.stop());
  try {
    return await body(memcached);
  } finally {
    await memcached.stop();
    forget();
  }
}

const replications = new WeakMap<BenchContext, Promise<MariadbReplication>>();

/**
 * MariaDB's own replication (a source and two replicas), started by the first scenario that
 * needs it and shared by the rest of the run; stopped by the run's cleanup.
 */
export function referenceReplication(context: BenchContext): Promise<MariadbReplication> {
  let started = replications.get(context);
  if (!started) {
    context.cleanup.add('MariaDB replication reference', () => MariadbReplication.stopAll(context.layout));
    started = MariadbReplication.start(context.layout);
    replications.set(context, started);
  }
  return started;
}
