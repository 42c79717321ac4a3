import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { ProgramOptimizer } from './optimizer.ts';
import { signum } from './index.ts';
import { f32Random, randomVector, useTfCpu } from '../testing/tfjs.ts';

beforeAll(useTfCpu);

// tfjs-layers drives optimizers through minimize(lossFn, true, variables) and serialises them with
// getConfig / getWeights: a ProgramOptimizer must work in model.compile / fit / save / load.

function data() {
  const rng = f32Random(99);
  const xs = tf.tensor(Float32Array.from(randomVector(rng, 64 * 5)), [64, 5]);
  const w = tf.tensor(Float32Array.from(randomVector(rng, 5)), [5, 1]);
  const ys = tf.matMul(xs, w);
  return { xs, ys };
}

describe('tfjs-layers integration', () => {
  it('model.fit with signum lowers the training loss; save (includeOptimizer) and load restore config and state', async () => {
    const { xs, ys } = data();
    const model = tfl.sequential({ layers: [tfl.layers.dense({ units: 1, inputShape: [5], kernelInitializer: 'zeros' })] });
    model.compile({ optimizer: signum({ lr: 0.01, beta: 0.1 }), loss: 'meanSquaredError' });
    const hist = await model.fit(xs, ys, { epochs: 8, batchSize: 16, shuffle: false, verbose: 0 });
    const losses = hist.history.loss as number[];
    // a linear least-squares fit from w = 0: 8 epochs x 4 steps of size 0.01 must lower the loss
    expect(losses[losses.length - 1]).toBeLessThan(0.8 * losses[0]);

    let saved: tf.io.ModelArtifacts | null = null;
    await model.save(
      tf.io.withSaveHandler(async (artifacts) => {
        saved = artifacts;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
      { includeOptimizer: true },
    );
    expect(saved).not.toBeNull();
    const art = saved! as tf.io.ModelArtifacts;
    const optCfg = (art.trainingConfig as unknown as { optimizer_config: { class_name: string; config: Record<string, unknown> } }).optimizer_config;
    expect(optCfg.class_name).toBe(ProgramOptimizer.className);
    expect(optCfg.config.algorithm).toBe('signum');
    expect(art.weightSpecs!.some((s) => s.name.endsWith('/m'))).toBe(true);

    const loaded = await tfl.loadLayersModel(tf.io.fromMemory(art));
    const opt = loaded.optimizer as unknown as ProgramOptimizer;
    expect(opt).toBeInstanceOf(ProgramOptimizer);
    expect(opt.getConfig()).toEqual((model.optimizer as unknown as ProgramOptimizer).getConfig());
    expect(opt.iterations).toBe((model.optimizer as unknown as ProgramOptimizer).iterations);
    tf.dispose([xs, ys]);
    model.dispose();
    loaded.dispose();
  });
});
