import { runService } from '@kbinlog/service-runtime';
import { SourceModule } from './app/source.module';

void runService({
  service: 'source',
  defaultHttpPort: 8081,
  options: {},
  module: () => SourceModule,
});
