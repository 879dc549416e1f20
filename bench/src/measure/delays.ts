import type { GroupStamp } from '../clients/binlog-reader';
import type { AppliedStamp } from './apply-stamps';
import { Samples } from './histogram';

export interface GroupDelays {
  /** Source commit stamp → the replica's stamp of the first position past the group, µs. */
  readonly delays: Samples;
  /** Groups no stamp shows applied. */
  readonly unseen: number;
}

/**
 * Each group's replication delay: the group at offset o is applied by the replica transaction
 * whose position first passes o. Both lists are in offset order.
 */
export function groupDelays(groups: readonly GroupStamp[], stamps: readonly AppliedStamp[]): GroupDelays {
  const delays = new Samples();
  let unseen = 0;
  let stamp = 0;
  for (const group of groups) {
    while (stamp < stamps.length && stamps[stamp].nextOffset <= group.offset) stamp++;
    if (stamp >= stamps.length) {
      unseen++;
      continue;
    }
    delays.add(stamps[stamp].atUs - group.commitTimeUs);
  }
  return { delays, unseen };
}
