/** The PyTorch peer (../shared/peers/torch_mnist.py): one timed training pass, or the whole k-fold study. */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import { mnistDataDir } from '../registry/sources/mnist';

const PYTHON = '/usr/bin/python3';

export interface PeerPass {
  peer: string;
  version: string;
  model: string;
  threads: number;
  images: number;
  images_per_second: number;
  openblasCoreType?: string;
}

export interface PeerStudy {
  peer: string;
  version: string;
  model: string;
  workers: number;
  kfold: number;
  epochs: number;
  fold_accuracy: number[];
  mean: number;
  std_population: number;
  seconds: number;
  openblasCoreType?: string;
}

export class PytorchPeer {
  /** Why the peer cannot run, when it cannot. */
  readonly unavailable?: string;

  /** `coreType`: the OPENBLAS_CORETYPE the peer's dense layers load OpenBLAS with. */
  constructor(
    private readonly script: string,
    private readonly coreType?: string,
  ) {
    if (!fs.existsSync(script)) this.unavailable = `${script} not found`;
    else if (spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' }).status !== 0) {
      this.unavailable = 'install it with apt-get install -y python3-torch libopenblas0-pthread';
    }
  }

  pass(model: string, threads: number, images: number): PeerPass | string {
    const result = this.run(['--model', model, '--images', String(images), '--threads', String(threads)]);
    return typeof result === 'string' ? result : { ...(result as unknown as PeerPass), model, ...this.coreTypeField() };
  }

  /** The peer's k-fold study over all 60,000 images, folds in `workers` processes of one thread each. */
  study(model: string, kfold: number, epochs: number, workers: number): PeerStudy | string {
    const result = this.run([
      '--model',
      model,
      '--images',
      '60000',
      '--kfold',
      String(kfold),
      '--epochs',
      String(epochs),
      '--workers',
      String(workers),
    ]);
    return typeof result === 'string' ? result : { ...(result as unknown as PeerStudy), ...this.coreTypeField() };
  }

  private coreTypeField(): { openblasCoreType?: string } {
    return this.coreType ? { openblasCoreType: this.coreType } : {};
  }

  /** The peer's JSON line, or why it failed. */
  private run(args: string[]): Record<string, unknown> | string {
    if (this.unavailable) return this.unavailable;
    const env = { ...process.env, ...(this.coreType ? { OPENBLAS_CORETYPE: this.coreType } : {}) };
    const run = spawnSync(PYTHON, [this.script, '--data', mnistDataDir(), ...args], { encoding: 'utf8', env });
    const line = run.stdout.trim().split('\n').pop() ?? '';
    if (run.status === 0 && line.startsWith('{')) return JSON.parse(line) as Record<string, unknown>;
    return `the peer failed: ${run.stderr.trim().split('\n').filter(Boolean).pop() ?? `exit code ${run.status}`}`;
  }
}
