/** Registers every data source; a config picks one under `data.source`. */
import { Registry } from '../registry';
import { idx } from './idx';
import { mnist } from './mnist';
import type { SourceComponent } from './source-component';

export const sources = new Registry<SourceComponent>('sources', 'Where the data comes from.')
  .register(mnist)
  .register(idx)
  .writtenAt('data.source', (ref) => ref());
