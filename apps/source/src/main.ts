import { runService } from '@kbinlog/service-runtime';
import { SourceModule } from './app/source.module';
import { SOURCE_OPTIONS } from './app/source-config';

void runService({
  service: 'source',
  defaultHttpPort: 8081,
  options: SOURCE_OPTIONS,
  module: (config) => SourceModule.forConfig(config),
});
