import { type DynamicModule, Module } from '@nestjs/common';
import { COORDINATOR_CONFIG, type CoordinatorConfig } from './coordinator-config';
import { CoordinatorRuntime } from './coordinator-runtime';
import { CoordinatorController } from './http/coordinator.controller';

@Module({})
export class CoordinatorModule {
  static forConfig(config: CoordinatorConfig): DynamicModule {
    return {
      module: CoordinatorModule,
      controllers: [CoordinatorController],
      providers: [{ provide: COORDINATOR_CONFIG, useValue: config }, CoordinatorRuntime],
    };
  }
}
