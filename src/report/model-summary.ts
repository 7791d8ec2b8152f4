/** The layer-by-layer summary of a model that report.json records. */
import type * as tf from '@tensorflow/tfjs';

export interface LayerSummary {
  type: string;
  outputShape: (number | null)[];
  parameters: number;
}

export function summarizeLayers(model: tf.LayersModel): LayerSummary[] {
  return model.layers.map((layer) => ({
    type: layer.getClassName(),
    outputShape: (layer.outputShape as (number | null)[]).slice(),
    parameters: layer.countParams(),
  }));
}
