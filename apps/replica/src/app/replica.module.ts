import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ProblemFilter } from './http/problem.filter';
import { ReplicaController } from './http/replica.controller';
import { ReplicaNode } from './node/replica-node';
import { REPLICA_CONFIG, type ReplicaConfig } from './replica-config';
import { ReplicaControl } from './replica-control';

/** The replica: a node that applies the binlog and serves no client writes (no memcached port). */
@Module({})
export class ReplicaModule {
  static forConfig(config: ReplicaConfig): DynamicModule {
    return {
      module: ReplicaModule,
      controllers: [ReplicaController],
      providers: [{ provide: REPLICA_CONFIG, useValue: config }, { provide: APP_FILTER, useClass: ProblemFilter }, ReplicaNode, ReplicaControl],
    };
  }
}
