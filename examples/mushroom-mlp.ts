/**
 * Example: sign-based optimizers inside TensorFlow.js training.
 *
 * Trains a small MLP (112 -> hidden ReLU -> 1 logit, logistic loss mean_i log(1 + exp(-y_i z_i)),
 * y in {-1, +1}) on UCI Mushroom (the bundled LIBSVM file, src/problems/datasets.ts; the 80/20
 * Philox split of the `mushroom` problem family) with signcheck's optimizers as tfjs optimizers:
 * SGD (reference), SignSGD, Signum, EF-SignSGD, Lion, ALIAS and MVSM with 4 simulated workers
 * (each minibatch split into 4 shards, one gradient per shard). Gradients come from tfjs autodiff;
 * the update rules are the registry's step programs (src/tfjs/).
 *
 * Writes the per-epoch training loss and test accuracy of every optimizer to
 * reports/results/experiments/tfjs-mushroom.json (the seed-experiment results schema
 * "signcheck.seed-experiment/1": one job per optimizer, curves over the step counts at epoch ends)
 * and, when the report machinery's SVG renderer (src/report/vega.ts `renderSvg`) is present, the
 * comparison figure reports/figures/tfjs-mushroom.svg.
 *
 *   npx tsx examples/mushroom-mlp.ts            # 5 epochs, batch 128 (about 10-30 s on a CPU)
 *   npx tsx examples/mushroom-mlp.ts --epochs 2 --batch 256 --out /tmp/r.json --no-figure
 *
 * Runs on the tfjs CPU backend (@tensorflow/tfjs-backend-cpu, a dev dependency); gradients are
 * registered through @tensorflow/tfjs-layers' import side effect. Any other registered backend works
 * the same (the optimizers never assume one).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { algorithms } from '../src/algorithms/index.ts';
import { UserInputError, requireInteger } from '../src/core/errors.ts';
import { loadBundled } from '../src/problems/datasets.ts';
import { binaryLabels, splitIndices } from '../src/problems/logistic-core.ts';
import { ProgramOptimizer, type HyperValues, type ProgramOptimizerOptions } from '../src/tfjs/index.ts';

/** One optimizer of the comparison: a registry algorithm with hyperparameters and options. */
export interface OptimizerSpec {
  /** Label in the results and the figure. */
  readonly name: string;
  /** Registry ids, first registered one used (an entry whose ids are all absent is skipped). */
  readonly ids: readonly string[];
  readonly hyper: HyperValues;
  readonly options?: ProgramOptimizerOptions;
}

/**
 * The default line-up. Step sizes are per-coordinate for the sign methods (1e-3, the Lion default
 * order) and per-gradient-unit for SGD and EF-SignSGD (whose scaled sign (||p||_1/d) sign(p) has the
 * gradient's magnitude); ALIAS is parameter-free with one step size for the whole model (global
 * grouping, as in P4); MVSM uses the running-max bound R (no G to choose) and 4 workers.
 */
export const DEFAULT_OPTIMIZERS: readonly OptimizerSpec[] = [
  { name: 'SGD', ids: ['sgd'], hyper: { lr: 0.5 } },
  { name: 'SignSGD', ids: ['signsgd'], hyper: { lr: 1e-3 } },
  { name: 'Signum', ids: ['signum'], hyper: { lr: 1e-3, beta: 0.1 } },
  { name: 'EF-SignSGD', ids: ['ef-signsgd'], hyper: { lr: 0.5 } },
  { name: 'Lion', ids: ['lion'], hyper: { lr: 1e-3 } },
  { name: 'ALIAS', ids: ['alias'], hyper: {}, options: { grouping: 'global' } },
  { name: 'MVSM v1 (4 workers)', ids: ['mvsm-v1-runmax'], hyper: { lr: 1e-3 }, options: { workers: 4 } },
];

/** Settings of a run. */
export interface MushroomRunOptions {
  readonly epochs?: number;
  readonly batchSize?: number;
  readonly hidden?: number;
  /** Seed of the initial weights and of the minibatch order (the same for every optimizer). */
  readonly seed?: number;
  readonly optimizers?: readonly OptimizerSpec[];
  /** Progress lines (default: none). */
  readonly log?: (line: string) => void;
}

/** Per-optimizer outcome. */
export interface OptimizerCurve {
  readonly name: string;
  readonly algorithm: string;
  readonly hyper: HyperValues;
  readonly options: ProgramOptimizerOptions;
  /** Training loss at epoch 0 (initial weights), 1, ..., epochs. */
  readonly trainLoss: number[];
  readonly testAccuracy: number[];
  readonly wallMs: number;
}

/** What {@link runMushroomComparison} returns. */
export interface MushroomComparison {
  readonly epochs: number;
  readonly batchSize: number;
  readonly hidden: number;
  readonly seed: number;
  readonly stepsPerEpoch: number;
  readonly trainRows: number;
  readonly testRows: number;
  readonly backend: string;
  readonly curves: OptimizerCurve[];
  /** Line-ups skipped because none of their registry ids exists. */
  readonly skipped: string[];
}

/** Deterministic uniforms in [0, 1) (mulberry32). */
function uniforms(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Dense float32 rows of the selected sparse rows, and labels in {-1, +1}. */
function denseSplit(rows: ReturnType<typeof loadBundled>['rows'], labels: Float64Array, select: Uint32Array, dim: number) {
  const X = new Float32Array(select.length * dim);
  const y = new Float32Array(select.length);
  select.forEach((r, k) => {
    const row = rows[r];
    for (let q = 0; q < row.indices.length; q++) X[k * dim + row.indices[q]] = row.values[q];
    y[k] = labels[r];
  });
  return { X, y };
}

/**
 * Trains the MLP once per optimizer from the same initial weights and minibatch order, recording
 * the full training loss and the test accuracy after every epoch.
 */
export async function runMushroomComparison(opts: MushroomRunOptions = {}): Promise<MushroomComparison> {
  const epochs = requireInteger('epochs', opts.epochs ?? 5, 1);
  const batchSize = requireInteger('batchSize', opts.batchSize ?? 128, 1);
  const hidden = requireInteger('hidden', opts.hidden ?? 16, 1);
  const seed = requireInteger('seed', opts.seed ?? 0, 0, 0xffffffff);
  const log = opts.log ?? (() => {});
  const data = loadBundled('mushrooms');
  const dim = data.dim;
  const labels = binaryLabels(data.labels, 'mushrooms');
  const { train, test } = splitIndices(data.rows.length, 0.2, 0);
  const tr = denseSplit(data.rows, labels, train, dim);
  const te = denseSplit(data.rows, labels, test, dim);
  const m = train.length;
  const Xtr = tf.tensor2d(tr.X, [m, dim]);
  const ytr = tf.tensor2d(tr.y, [m, 1]);
  const Xte = tf.tensor2d(te.X, [test.length, dim]);
  const yte = tf.tensor2d(te.y, [test.length, 1]);

  // Glorot-uniform initial weights, zero biases: one draw shared by every optimizer
  const rnd = uniforms(seed);
  const glorot = (fanIn: number, fanOut: number) => {
    const a = Math.sqrt(6 / (fanIn + fanOut));
    return Float32Array.from({ length: fanIn * fanOut }, () => (2 * rnd() - 1) * a);
  };
  const init = { W1: glorot(dim, hidden), W2: glorot(hidden, 1) };
  // minibatch order: one permutation per epoch, shared by every optimizer
  const orders: Int32Array[] = [];
  for (let e = 0; e < epochs; e++) {
    const p = Int32Array.from({ length: m }, (_, i) => i);
    for (let i = m - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      [p[i], p[j]] = [p[j], p[i]];
    }
    orders.push(p);
  }
  const stepsPerEpoch = Math.ceil(m / batchSize);

  const curves: OptimizerCurve[] = [];
  const skipped: string[] = [];
  for (const spec of opts.optimizers ?? DEFAULT_OPTIMIZERS) {
    const id = spec.ids.find((c) => algorithms.has(c));
    if (!id) {
      skipped.push(`${spec.name} (none of ${spec.ids.join(', ')} is registered)`);
      continue;
    }
    const started = performance.now();
    const W1 = tf.variable(tf.tensor2d(init.W1, [dim, hidden]));
    const b1 = tf.variable(tf.zeros([hidden]));
    const W2 = tf.variable(tf.tensor2d(init.W2, [hidden, 1]));
    const b2 = tf.variable(tf.zeros([1]));
    const vars = [W1, b1, W2, b2];
    const logits = (X: tf.Tensor2D) => tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(X, W1), b1)), W2), b2);
    // logistic loss with y in {-1, +1}: mean log(1 + exp(-y z))
    const loss = (X: tf.Tensor2D, y: tf.Tensor2D) => tf.mean(tf.softplus(tf.neg(tf.mul(y, logits(X))))) as tf.Scalar;
    const evaluate = () =>
      tf.tidy(() => {
        const l = loss(Xtr, ytr).dataSync()[0];
        const acc = tf.mean(tf.cast(tf.greater(tf.mul(yte, logits(Xte)), 0), 'float32')).dataSync()[0];
        return [l, acc] as const;
      });
    const options = { horizon: epochs * stepsPerEpoch, ...spec.options };
    const opt = new ProgramOptimizer(id, spec.hyper, options);
    const trainLoss: number[] = [];
    const testAccuracy: number[] = [];
    const [l0, a0] = evaluate();
    trainLoss.push(l0);
    testAccuracy.push(a0);
    for (let e = 0; e < epochs; e++) {
      for (let s = 0; s < stepsPerEpoch; s++) {
        const idx = orders[e].subarray(s * batchSize, Math.min(m, (s + 1) * batchSize));
        const it = tf.tensor1d(idx, 'int32');
        const Xb = tf.gather(Xtr, it) as tf.Tensor2D;
        const yb = tf.gather(ytr, it) as tf.Tensor2D;
        if (opt.workerProgram) {
          // simulated workers: worker j gets the j-th of n contiguous shards of the minibatch
          const n = opt.workers;
          const rows = idx.length;
          opt.minimizeWorkers(
            (j) => {
              const lo = Math.floor((j * rows) / n);
              const hi = Math.floor(((j + 1) * rows) / n);
              return loss(tf.slice(Xb, [lo, 0], [hi - lo, dim]), tf.slice(yb, [lo, 0], [hi - lo, 1]));
            },
            false,
            vars,
          );
        } else {
          opt.minimize(() => loss(Xb, yb), false, vars);
        }
        tf.dispose([it, Xb, yb]);
      }
      const [l, a] = evaluate();
      trainLoss.push(l);
      testAccuracy.push(a);
      log(`${spec.name.padEnd(22)} epoch ${e + 1}/${epochs}: train loss ${l.toFixed(5)}, test accuracy ${(100 * a).toFixed(2)}%`);
    }
    curves.push({ name: spec.name, algorithm: id, hyper: spec.hyper, options, trainLoss, testAccuracy, wallMs: performance.now() - started });
    opt.dispose();
    tf.dispose(vars);
  }
  tf.dispose([Xtr, ytr, Xte, yte]);
  return { epochs, batchSize, hidden, seed, stepsPerEpoch, trainRows: m, testRows: test.length, backend: tf.getBackend(), curves, skipped };
}

function gitSha(): string {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown';
  }
}

/**
 * The comparison as a seed-experiment results file ("signcheck.seed-experiment/1": one job per
 * optimizer, one seed; checkpoints are step counts at epoch ends; non-finite numbers as null).
 */
export function resultsFile(r: MushroomComparison, wallMs: number, profile: 'tiny' | 'quick' = 'quick') {
  const finite = (v: number) => (Number.isFinite(v) ? v : null);
  const checkpoints = Array.from({ length: r.epochs + 1 }, (_, e) => e * r.stepsPerEpoch);
  return {
    schema: 'signcheck.seed-experiment/1' as const,
    experiment: 'tfjs-mushroom',
    profile,
    engine: `tfjs-${r.backend}`,
    gitSha: gitSha(),
    date: new Date().toISOString(),
    seeds: [r.seed],
    seedScheme: 'seed -> mulberry32 stream: Glorot-uniform initial weights, then one minibatch permutation per epoch (shared by all optimizers); split: Philox splitSeed 0 (mushroom family)',
    settings: {
      dataset: 'mushrooms (bundled UCI Mushroom, LIBSVM one-hot, d = 112)',
      model: `MLP 112 -> ${r.hidden} ReLU -> 1 logit, logistic loss, y in {-1, +1}`,
      epochs: r.epochs,
      batchSize: r.batchSize,
      hidden: r.hidden,
      trainRows: r.trainRows,
      testRows: r.testRows,
      stepsPerEpoch: r.stepsPerEpoch,
      backend: r.backend,
      tfjsCore: tf.version_core,
      skipped: r.skipped,
    },
    wallMs,
    jobs: r.curves.map((c) => ({
      key: `${c.name}/seed=${r.seed}`,
      method: c.name,
      seed: r.seed,
      params: { algorithm: c.algorithm, ...c.hyper, ...Object.fromEntries(Object.entries(c.options).map(([k, v]) => [k, typeof v === 'number' || typeof v === 'string' ? v : String(v)])) },
      values: { finalTrainLoss: finite(c.trainLoss[c.trainLoss.length - 1]), finalTestAccuracy: finite(c.testAccuracy[c.testAccuracy.length - 1]) },
      checkpoints,
      curves: { trainLoss: c.trainLoss.map(finite), testAccuracy: c.testAccuracy.map(finite) },
      divergedAt: (() => {
        const k = c.trainLoss.findIndex((v) => !Number.isFinite(v));
        return k < 0 ? null : checkpoints[k];
      })(),
      enginePath: `tfjs-${r.backend} ProgramOptimizer`,
      wallMs: c.wallMs,
    })),
  };
}

/** The figure as the report machinery's XYFigure (src/report/model.ts), built without importing it. */
export function comparisonFigure(r: MushroomComparison) {
  return {
    kind: 'xy' as const,
    id: 'tfjs-mushroom',
    title: 'Sign-based optimizers in TensorFlow.js: MLP on Mushroom',
    caption: `Training loss per epoch, MLP 112-${r.hidden}-1 on UCI Mushroom (${r.trainRows} training rows, batch ${r.batchSize}, seed ${r.seed}), tfjs ${r.backend} backend.`,
    x: { label: 'epoch' },
    y: { label: 'training loss', log: true },
    series: r.curves.map((c) => ({
      name: c.name,
      mark: 'line' as const,
      points: c.trainLoss.flatMap((y, e) => (Number.isFinite(y) && y > 0 ? [{ x: e, y }] : [])),
    })),
  };
}

type RenderSvg = (fig: ReturnType<typeof comparisonFigure>) => Promise<{ svg: string }>;

/**
 * The report machinery's SVG renderer when it exists (src/report/vega.ts `renderSvg`, loaded by a
 * computed specifier so that this example does not depend on it at type-check time), else null.
 */
export async function loadRenderer(): Promise<RenderSvg | null> {
  const spec = new URL('../src/report/vega.ts', import.meta.url).href;
  try {
    const mod = (await import(spec)) as { renderSvg?: unknown };
    return typeof mod.renderSvg === 'function' ? (mod.renderSvg as RenderSvg) : null;
  } catch {
    return null;
  }
}

/** Writes the results JSON and, when the renderer exists, the SVG; returns the paths written. */
export async function writeOutputs(r: MushroomComparison, wallMs: number, out: string, figure: string | null, profile: 'tiny' | 'quick' = 'quick'): Promise<{ json: string; svg: string | null; why?: string }> {
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(resultsFile(r, wallMs, profile), null, 1)}\n`);
  if (figure === null) return { json: out, svg: null, why: 'figure not requested' };
  const render = await loadRenderer();
  if (!render) return { json: out, svg: null, why: 'src/report/vega.ts renderSvg not available' };
  const { svg } = await render(comparisonFigure(r));
  mkdirSync(dirname(figure), { recursive: true });
  writeFileSync(figure, svg);
  return { json: out, svg: figure };
}

async function main(argv: readonly string[]): Promise<void> {
  const root = fileURLToPath(new URL('..', import.meta.url));
  let epochs = 5;
  let batch = 128;
  let out = join(root, 'reports/results/experiments/tfjs-mushroom.json');
  let figure: string | null = join(root, 'reports/figures/tfjs-mushroom.svg');
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      const v = argv[++i];
      if (v === undefined) throw new UserInputError(a, 'needs a value');
      return v;
    };
    if (a === '--epochs') epochs = Number(next());
    else if (a === '--batch') batch = Number(next());
    else if (a === '--out') out = next();
    else if (a === '--figure') figure = next();
    else if (a === '--no-figure') figure = null;
    else throw new UserInputError(a, 'is not an option; use --epochs N, --batch N, --out FILE, --figure FILE, --no-figure');
  }
  await import('@tensorflow/tfjs-backend-cpu');
  await import('@tensorflow/tfjs-layers'); // registers tfjs-core's gradient functions
  await tf.setBackend('cpu');
  const started = performance.now();
  const r = await runMushroomComparison({ epochs, batchSize: batch, log: (s) => console.log(s) });
  const wall = performance.now() - started;
  const w = await writeOutputs(r, wall, out, figure);
  console.log(`wrote ${w.json}${w.svg ? ` and ${w.svg}` : ` (no figure: ${w.why})`} in ${(wall / 1000).toFixed(1)} s`);
  for (const s of r.skipped) console.log(`skipped ${s}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((e) => {
    console.error(e instanceof UserInputError ? `error: ${e.message}` : e);
    process.exit(e instanceof UserInputError ? 2 : 1);
  });
}
