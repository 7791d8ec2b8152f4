/** Small TensorFlow.js models saved in the layers format (model.json + weights.bin), as the save step writes them. */
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';

/**
 * A seeded, untrained 28×28×1 → 10 classifier: enough to check that a server answers what the model computes.
 * `{ filters: 32, hidden: 100 }` is the baseline study's architecture.
 */
export function digitModel(seed = 1, size: { filters?: number; hidden?: number } = {}): tf.LayersModel {
  const init = (s: number) => tf.initializers.glorotUniform({ seed: seed * 10 + s });
  const hidden = size.hidden ? [tf.layers.dense({ units: size.hidden, activation: 'relu', kernelInitializer: init(3) })] : [];
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [28, 28, 1], filters: size.filters ?? 4, kernelSize: 3, activation: 'relu', kernelInitializer: init(1) }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      ...hidden,
      tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: init(2) }),
    ],
  });
}

export async function saveModel(model: tf.LayersModel, dir: string, preprocessing?: object): Promise<string> {
  fs.mkdirSync(dir, { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weightsManifest = [{ paths: ['weights.bin'], weights: artifacts.weightSpecs ?? [] }];
      const modelJson = { format: artifacts.format, generatedBy: artifacts.generatedBy, modelTopology: artifacts.modelTopology, weightsManifest };
      fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify(modelJson));
      fs.writeFileSync(path.join(dir, 'weights.bin'), Buffer.from(artifacts.weightData as ArrayBuffer));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  if (preprocessing) fs.writeFileSync(path.join(dir, 'preprocessing.json'), JSON.stringify(preprocessing));
  return dir;
}
