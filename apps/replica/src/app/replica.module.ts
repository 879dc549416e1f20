import { replicaControls } from '@kbinlog/replica-feature';
import { type DynamicModule, Module } from '@nestjs/common';
import { ReplicaBoot } from './node/replica-boot';
import { ReplicaNode } from './node/replica-node';
import { ReplicaPresence } from './node/replica-presence';
import { REPLICA_CONFIG, type ReplicaConfig } from './replica-config';

/** The replica: a node that applies the binlog and serves no client writes (no memcached port). */
@Module({})
export class ReplicaModule {
  static forConfig(config: ReplicaConfig): DynamicModule {
    const controls = replicaControls(ReplicaNode);
    return {
      module: ReplicaModule,
      controllers: controls.controllers,
      providers: [{ provide: REPLICA_CONFIG, useValue: config }, ReplicaNode, ...controls.providers, ReplicaPresence, ReplicaBoot],
    };
  }
}
