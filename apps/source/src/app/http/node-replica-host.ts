import type { LogRange } from '@kbinlog/binlog-kafka';
import type { NodeIdentity, ReplicaHost } from '@kbinlog/replica-feature';
import type { ReplicationChannel } from '@kbinlog/replication';
import { ProblemError } from '@kbinlog/service-runtime';
import { Injectable } from '@nestjs/common';
import { SourceNode } from '../node/source-node';
import { NODE_PROBLEMS } from './node-problem';

/**
 * The replica controls (/replica/*) on the node service: they act on the node's channel while it
 * is a replica. A node that writes runs no channel (MySQL's SHOW REPLICA STATUS is empty on a
 * source), so they answer 409 then.
 */
@Injectable()
export class NodeReplicaHost implements ReplicaHost {
  constructor(private readonly node: SourceNode) {}

  get channel(): ReplicationChannel {
    const channel = this.node.channel;
    if (!channel) throw new ProblemError(NODE_PROBLEMS.notAReplica, `${this.node.identity.node} is ${this.node.role}: it runs no replication channel`);
    return channel;
  }

  get identity(): NodeIdentity {
    return this.node.identity;
  }

  get cluster(): string {
    return this.node.cluster;
  }

  get closing(): boolean {
    return this.node.closing;
  }

  binlogBounds(): Promise<LogRange> {
    return this.node.binlogBounds();
  }
}
