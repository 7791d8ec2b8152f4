/** Registers every metric. */
import { Registry } from '../registry';
import { accuracy } from './accuracy';
import type { MetricComponent } from './metric-component';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const metrics = new Registry<MetricComponent<any>>('metrics', 'What is measured besides the loss.').register(accuracy);
