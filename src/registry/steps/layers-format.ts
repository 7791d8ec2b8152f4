/** Serializes a tfjs model in the TensorFlow.js layers format: model.json plus binary weight shards. */
import * as tf from '@tensorflow/tfjs';
import { MODEL_JSON } from '../../data/model-input';

/** The tfjs converter's shard size: browsers cache shards of this size well. */
const SHARD_BYTES = 4 * 1024 * 1024;

/** File name → content, model.json last (a reader that finds it finds every shard it names). */
export async function layersModelFiles(model: tf.LayersModel): Promise<[string, string | Uint8Array][]> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  const { modelTopology, weightSpecs, weightData } = artifacts!;
  const weights = new Uint8Array(tf.io.CompositeArrayBuffer.join(weightData ?? new ArrayBuffer(0)));
  const count = Math.max(1, Math.ceil(weights.byteLength / SHARD_BYTES));
  const shards: [string, Uint8Array][] = Array.from({ length: count }, (_, i) => [
    `group1-shard${i + 1}of${count}.bin`,
    weights.subarray(i * SHARD_BYTES, (i + 1) * SHARD_BYTES),
  ]);
  const modelJson = {
    format: 'layers-model',
    generatedBy: `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
    convertedBy: null,
    modelTopology: standardLayers(modelTopology),
    weightsManifest: [{ paths: shards.map(([name]) => name), weights: weightSpecs ?? [] }],
  };
  return [...shards, [MODEL_JSON, JSON.stringify(modelJson)]];
}

/**
 * The seeded dropout used in training is stock tfjs Dropout at inference: saved as `Dropout`, the model loads in
 * any tfjs without this project's classes registered.
 */
function standardLayers(topology: unknown): unknown {
  return JSON.parse(JSON.stringify(topology), (key, value: unknown) => (key === 'class_name' && value === 'SeededDropout' ? 'Dropout' : value));
}
