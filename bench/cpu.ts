/**
 * `npm run bench:cpu`: the Signum step on a separable quadratic with Gaussian noise at 2^20
 * coordinates per step (replicas x d), on the CPU engine: one process, then replicas split over
 * all cores (the fused step with the WebAssembly SIMD noise kernel and update, with the WebAssembly
 * noise and the JavaScript update loop, and all in JavaScript, for comparison); beside the numpy peer (../shared/peers/numpy_signum_bench.py is not read at run time:
 * bench/numpy_signum_peer.py is the project's copy of the same measurement) when python3 with numpy
 * is present. Prints one table; nothing is asserted.
 */
import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { runCpu } from '../src/engine/cpu.ts';
import { runCpuParallel } from '../src/engine/cpu-parallel.ts';
import { specFromRecipe, type RunRecipe } from '../src/engine/recipe.ts';

const quick = process.argv.includes('--quick');
const shapes: [number, number][] = quick ? [[1, 1 << 16]] : [[1, 1 << 20], [16, 1 << 16], [64, 1 << 14]];
const T = quick ? 4 : 10;
const cores = availableParallelism();

function recipe(R: number, d: number): RunRecipe {
  return {
    algorithm: 'signum',
    hyper: { lr: 1e-3, beta: 0.1 },
    problem: { family: 'separable-quadratic', params: { d, spectrum: 'uniform', x0: 'normal' } },
    noise: { model: 'gaussian', sigma: 1 },
    T,
    workers: 1,
    replicas: R,
    seed: 1,
  };
}

const rows: string[][] = [];
/**
 * Steady-state time per step: runs of T and 3T steps (best of three each), (t(3T) - t(T)) / 2T, so start-up,
 * loop compilation and the final metrics cancel out.
 */
async function perStep(run: (T: number) => Promise<unknown> | unknown, base = T): Promise<number> {
  const time = async (steps: number) => {
    const t0 = performance.now();
    await run(steps);
    return performance.now() - t0;
  };
  // best of three of each length: the least disturbed measurement of each
  let a = Infinity;
  let b = Infinity;
  for (let k = 0; k < 3; k++) {
    a = Math.min(a, await time(base));
    b = Math.min(b, await time(3 * base));
  }
  return (b - a) / (2 * base);
}
for (const [R, d] of shapes) {
  const rec = recipe(R, d);
  const spec = specFromRecipe(rec);
  // the fused step all in WebAssembly (default), with the JavaScript update loop, then all JavaScript
  for (const wasm of [true, 'noise', false] as const) {
    runCpu({ ...spec, T: 2 }, { wasm }); // warm-up: compile the generated loops
    const ms1 = await perStep((steps) => runCpu({ ...spec, T: steps }, { wasm }));
    rows.push([`signcheck cpu (${runCpu({ ...spec, T: 1 }, { wasm }).path} step, 1 process)`, `${R} x ${d}`, ms1.toFixed(2), ((R * d) / ms1 / 1e3).toFixed(1)]);
  }
  if (R >= cores) {
    // longer runs: process start-up (about a second, and variable) must be small against the difference
    const msP = await perStep((steps) => runCpuParallel({ ...rec, T: steps }, cores), 6 * T);
    rows.push([`signcheck cpu (replicas over ${cores} processes)`, `${R} x ${d}`, msP.toFixed(2), ((R * d) / msP / 1e3).toFixed(1)]);
  }
}

const peer = fileURLToPath(new URL('./numpy_signum_peer.py', import.meta.url));
try {
  const text = execFileSync('python3', [peer, String(quick ? 1 << 16 : 1 << 20)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  for (const line of text.trim().split('\n')) {
    const m = /^numpy (\w+): ([\d.]+) ms\/step, ([\d.]+) Mcoord/.exec(line);
    if (m) rows.push([`numpy ${m[1]} (1 core)`, `1 x ${quick ? 1 << 16 : 1 << 20}`, m[2], m[3]]);
  }
} catch {
  rows.push(['numpy peer', '-', 'not run', 'python3 with numpy not found']);
}

const head = ['implementation', 'R x d', 'ms/step', 'Mcoord-steps/s'];
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
console.log(`Signum step, separable quadratic + N(0,1) noise, float64, T = ${T} steps, ${cores} cores`);
console.log(line(head));
console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
for (const r of rows) console.log(line(r));
