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

/** The reference schema on the source's MariaDB, reached directly: no capture triggers, no binlog group. */
export const DIRECT_SCHEMA = 'kbinlog_bench_direct';
