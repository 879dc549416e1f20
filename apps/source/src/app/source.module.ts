import { type DynamicModule, Module } from '@nestjs/common';
import { NodeController } from './http/node.controller';
import { SourceNode } from './node/source-node';
import { SOURCE_CONFIG, type SourceConfig } from './source-config';
import { SourceStatusController } from './status/source-status.controller';

@Module({})
export class SourceModule {
  static forConfig(config: SourceConfig): DynamicModule {
    return {
      module: SourceModule,
      controllers: [SourceStatusController, NodeController],
      providers: [{ provide: SOURCE_CONFIG, useValue: config }, SourceNode],
    };
  }
}
