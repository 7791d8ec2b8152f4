/** Registers every metric. */
import { Registry } from '../registry';
import { accuracy } from './accuracy';
import type { MetricComponent } from './metric-component';

export const metrics = new Registry<MetricComponent<any>>('metrics', 'What is measured besides the loss.').register(accuracy);
