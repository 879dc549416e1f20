import { replicaControls } from '@kbinlog/replica-feature';
import { type DynamicModule, Module } from '@nestjs/common';
import { NodeController } from './http/node.controller';
import { NodeReplicaHost } from './http/node-replica-host';
import { SourceNode } from './node/source-node';
import { SOURCE_CONFIG, type SourceConfig } from './source-config';
import { SourceStatusController } from './status/source-status.controller';

@Module({})
export class SourceModule {
  static forConfig(config: SourceConfig): DynamicModule {
    const replica = replicaControls(NodeReplicaHost);
    return {
      module: SourceModule,
      controllers: [SourceStatusController, NodeController, ...replica.controllers],
      providers: [{ provide: SOURCE_CONFIG, useValue: config }, SourceNode, NodeReplicaHost, ...replica.providers],
    };
  }
}
