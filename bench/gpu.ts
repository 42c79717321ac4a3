/**
 * `npm run bench:gpu`: the WebGPU engine's fused step kernels beside the device's copy bandwidth.
 *
 * One table: a vec4 copy kernel (read + write of one buffer: the bandwidth roof), then every
 * algorithm the GPU engine supports at R x d = 64 x 2^20, 1024 x 2^14, 8 x 2^16 (separable
 * quadratic, Gaussian noise drawn in the kernel with Philox4x32-10, metrics reduced every step as
 * in a real run). ms/step comes from many steps encoded per submission, timed up to a final
 * readback; bytes/coord is our count of the kernels' DRAM traffic per coordinate and step: 4 bytes
 * per state vector loaded and per vector stored (general-plan programs also store g and reload
 * it), plus the shared diag and center (8 bytes) once per coordinate and step over all replicas
 * (8 / R per replica-coordinate, assuming they stay in cache across replicas); metric partials
 * and per-replica scalars are negligible. % copy = (bytes/coord x coordinate-steps/s) / copy
 * bandwidth.
 *
 * Distributed rows (every worker-scope algorithm of the registry: the distributed plan, packed 1-bit
 * messages and the popcount vote) at R x n x d = 8 x 32 x 2^16 and 2 x 1024 x 2^12: Gcoord-steps/s counts
 * R n d worker coordinates per step; bytes/coord and % copy are not given for them (their
 * kernels mix worker and server rows and packed words).
 *
 * PyTorch peer rows (bench/torch_signum_peer.py: the same Signum step in eager mode and under
 * torch.compile, float32, same shapes) are measured in the same invocation when python3 has torch
 * and a CUDA device; otherwise the table says they were not run.
 *
 * Below the table: the end-to-end wall time of the `signum-separable` sweep (every cell of the
 * profile, results written as in `signcheck rates`) on the WebGPU engine and on the CPU engine
 * (one process), measured here one after the other. `--sweep-profile quick|full` (default: full,
 * quick with --quick), `--no-sweep` skips it.
 *
 * `--quick`: small shapes (for lavapipe, the CPU Vulkan driver). The adapter is printed first so
 * that software numbers are never mistaken for GPU numbers. `--json FILE` also writes the rows.
 * Nothing is asserted.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { theorems } from '../experiments/theorems/index.ts';
import { cpuRun, runSweep, type EngineRun } from '../src/theorems/runner.ts';
import { runWebGpu } from '../src/gpu/engine.ts';
import { algorithms, type AlgorithmDef } from '../src/algorithms/index.ts';
import { GaussianNoise } from '../src/noise/index.ts';
import { separableQuadratic } from '../src/problems/separable-quadratic.ts';
import { gpuSupport } from '../src/gpu/codegen.ts';
import { computePipeline, readBuffer, storageBuffer } from '../src/gpu/compute.ts';
import { releaseGpu, requestGpu, type GpuContext } from '../src/gpu/device.ts';
import { WebGpuRun } from '../src/gpu/engine.ts';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const jsonAt = args.indexOf('--json');
const jsonPath = jsonAt >= 0 ? args[jsonAt + 1] : null;
const shapes: [number, number][] = quick ? [[8, 1 << 14], [64, 1 << 10], [2, 1 << 12]] : [[64, 1 << 20], [1024, 1 << 14], [8, 1 << 16]];
const targetMs = quick ? 300 : 1000;
/** Distributed rows: [R, n, d]. */
const distShapes: [number, number, number][] = quick ? [[2, 8, 1 << 10]] : [[8, 32, 1 << 16], [2, 1024, 1 << 12]];
const noSweep = args.includes('--no-sweep');
const sweepAt = args.indexOf('--sweep-profile');
const sweepProfile = sweepAt >= 0 ? args[sweepAt + 1] : quick ? 'quick' : 'full';
if (sweepProfile !== 'quick' && sweepProfile !== 'full') {
  console.error(`bench:gpu: --sweep-profile must be quick or full (got "${sweepProfile}")`);
  process.exit(2);
}

/** PyTorch peer (same step, eager and torch.compile) on the same shapes; [] when torch/CUDA is missing. */
function torchPeer(): { rows: Row[]; note: string } {
  const script = fileURLToPath(new URL('./torch_signum_peer.py', import.meta.url));
  const r = spawnSync('python3', [script, ...shapes.flatMap(([R, d]) => [String(R), String(d)])], { encoding: 'utf8', timeout: 600_000 });
  if (r.error || r.status !== 0) {
    return { rows: [], note: r.status === 3 ? 'PyTorch peer not run: python3 has no torch or no CUDA device here' : `PyTorch peer failed: ${r.error?.message ?? r.stderr.trim().split('\n').pop()}` };
  }
  const rows: Row[] = [];
  for (const line of r.stdout.split('\n')) {
    const m = /^torch (\S+) (\d+) x (\d+): ([\d.]+) ms\/step$/.exec(line.trim());
    if (!m) continue;
    const [R, d, ms] = [Number(m[2]), Number(m[3]), Number(m[4])];
    rows.push({ case: `torch ${m[1]} (signum, peer)`, shape: `${R} x 2^${Math.log2(d)}`, msPerStep: ms, gcoordPerS: (R * d) / (ms / 1000) / 1e9, bytesPerCoord: null, gbPerS: null, pctCopy: null });
  }
  return { rows, note: 'PyTorch peer: bench/torch_signum_peer.py, same invocation' };
}

/** Wall time of the signum-separable sweep of a profile on one engine (results to a temporary directory). */
async function sweepSeconds(engine: 'webgpu' | 'cpu', run: EngineRun, profile: 'quick' | 'full'): Promise<{ s: number; cells: number }> {
  const dir = mkdtempSync(join(tmpdir(), `signcheck-bench-sweep-${engine}-`));
  try {
    const t0 = performance.now();
    const r = await runSweep(theorems.get('signum-separable'), { profile, outDir: dir, engine, run, resume: false });
    return { s: (performance.now() - t0) / 1000, cells: r.ran };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Row {
  case: string;
  shape: string;
  msPerStep: number;
  gcoordPerS: number;
  bytesPerCoord: number | null;
  gbPerS: number | null;
  pctCopy: number | null;
}

const COPY_WGSL = /* wgsl */ `
@group(0) @binding(0) var<storage, read> src: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read_write> dst: array<vec4<f32>>;
@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) nw: vec3<u32>) {
  let i = id.y * nw.x * 256u + id.x;
  if (i < arrayLength(&src)) {
    dst[i] = src[i];
  }
}`;

/** Copy bandwidth in bytes/s: reps copies of a buffer in one submission, timed to a readback. */
async function copyBandwidth(gpu: GpuContext): Promise<{ bytes: number; bw: number; ms: number }> {
  const bytes = Math.min(quick ? 16 << 20 : 256 << 20, Math.floor(gpu.limits.maxStorageBufferBindingSize / 16) * 16);
  const quads = bytes / 16;
  const a = storageBuffer(gpu, bytes, 'copy-src');
  const b = storageBuffer(gpu, bytes, 'copy-dst');
  const { pipeline, layout } = await computePipeline(gpu, COPY_WGSL);
  const group = gpu.device.createBindGroup({ layout, entries: [{ binding: 0, resource: { buffer: a } }, { binding: 1, resource: { buffer: b } }] });
  const groups = Math.ceil(quads / 256);
  const gx = Math.min(groups, gpu.limits.maxComputeWorkgroupsPerDimension);
  const gy = Math.ceil(groups / gx);
  const run = async (reps: number) => {
    const t0 = performance.now();
    const enc = gpu.device.createCommandEncoder();
    const pass = enc.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, group);
    for (let k = 0; k < reps; k++) pass.dispatchWorkgroups(gx, gy);
    pass.end();
    gpu.device.queue.submit([enc.finish()]);
    await readBuffer(gpu, b, 0, 16);
    return performance.now() - t0;
  };
  const warm = await run(2);
  const reps = Math.max(3, Math.min(1000, Math.round(targetMs / Math.max(warm / 2, 1e-3))));
  const ms = (await run(reps)) / reps;
  a.destroy();
  b.destroy();
  return { bytes, bw: (2 * bytes) / (ms / 1000), ms };
}

function hyperFor(def: AlgorithmDef): Record<string, number> {
  const h: Record<string, number> = {};
  for (const s of def.hyper) {
    if (s.name === 'lr') h.lr = 1e-3;
    else if (s.name === 'beta') h.beta = 0.1;
    else if (s.name === 'batch') h.batch = 1;
    // S_G bound: |1 + z| <= 100 for every Gaussian draw of a benchmark (|z| < 10 with probability 1 - 1e-23)
    else if (s.name === 'G') h.G = 100;
  }
  return h;
}

/** ms per step of one algorithm at R x d, with the bytes/coord count of its kernel. */
async function stepTime(gpu: GpuContext, def: AlgorithmDef, R: number, d: number, workers = 1): Promise<{ ms: number; bytesPerCoord: number }> {
  const L = new Float64Array(d).fill(1);
  const c = new Float64Array(d);
  const problem = separableQuadratic(L, c, { x0: () => new Float64Array(d).fill(1) });
  const run = await WebGpuRun.create(
    { algorithm: def, hyper: hyperFor(def), problem, noise: { model: new GaussianNoise(), sigma: 1 }, T: 10_000_000, workers, replicas: R, seed: 1 },
    { gpu },
  );
  try {
    // warm-up and a rough estimate from a few steps, then enough steps for ~targetMs
    const S = run.stepsPerSubmission;
    const few = Math.min(S, 8);
    let est = Infinity;
    for (let k = 0; k < 2; k++) {
      const t = performance.now();
      await run.advance(few);
      await run.sync();
      est = Math.min(est, (performance.now() - t) / few);
    }
    const steps = Math.max(few, Math.min(20_000, Math.round(targetMs / Math.max(est, 1e-4))));
    const t0 = performance.now();
    await run.advance(steps);
    await run.sync();
    const ms = (performance.now() - t0) / steps;
    const bytesPerCoord = 4 * run.kernel.traffic.vectorAccesses + (8 * run.kernel.traffic.probReads) / R;
    return { ms, bytesPerCoord };
  } finally {
    run.destroy();
  }
}

const fmt = (v: number, digits = 3) => (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toPrecision(digits));

async function main(): Promise<void> {
  const a = await requestGpu();
  if (!a.ok) {
    console.error(`bench:gpu: no WebGPU adapter: ${a.reason}`);
    process.exitCode = 1;
    return;
  }
  const gpu = a.gpu;
  console.log(`adapter: ${gpu.info.name}`);
  console.log(`  vendor=${gpu.info.vendor} architecture=${gpu.info.architecture} device=${gpu.info.device}`);
  console.log(`  maxStorageBufferBindingSize=${gpu.limits.maxStorageBufferBindingSize} maxBufferSize=${gpu.limits.maxBufferSize}`);
  if (gpu.info.software) console.log('  SOFTWARE ADAPTER: these are CPU (lavapipe) numbers, not GPU numbers.');
  console.log(`mode: ${quick ? 'quick (small shapes)' : 'full'}\n`);

  const rows: Row[] = [];
  const copy = await copyBandwidth(gpu);
  rows.push({ case: `copy ${copy.bytes >> 20} MiB (read+write)`, shape: '-', msPerStep: copy.ms, gcoordPerS: copy.bytes / 4 / (copy.ms / 1000) / 1e9, bytesPerCoord: 8, gbPerS: copy.bw / 1e9, pctCopy: 100 });
  const shape = { id: 'separable-quadratic', separable: true, heterogeneous: false };
  const defs = algorithms.all().filter((def) => gpuSupport(def, shape).supported && gpuSupport(def, shape).plan !== 'distributed');
  for (const [R, d] of shapes) {
    for (const def of defs) {
      const { ms, bytesPerCoord } = await stepTime(gpu, def, R, d);
      const coordPerS = (R * d) / (ms / 1000);
      const bw = coordPerS * bytesPerCoord;
      rows.push({ case: def.id, shape: `${R} x 2^${Math.log2(d)}`, msPerStep: ms, gcoordPerS: coordPerS / 1e9, bytesPerCoord, gbPerS: bw / 1e9, pctCopy: (100 * bw) / copy.bw });
      process.stderr.write(`  done ${def.id} ${R} x ${d}\n`);
    }
  }
  // every worker-scope (distributed) algorithm of the registry
  const distDefs = algorithms.all().filter((def) => gpuSupport(def, shape).plan === 'distributed');
  for (const [R, n, d] of distShapes) {
    for (const { id } of distDefs) {
      const { ms } = await stepTime(gpu, algorithms.get(id), R, d, n);
      const coordPerS = (R * n * d) / (ms / 1000);
      rows.push({ case: `${id} (n = ${n})`, shape: `${R} x ${n} x 2^${Math.log2(d)}`, msPerStep: ms, gcoordPerS: coordPerS / 1e9, bytesPerCoord: null, gbPerS: null, pctCopy: null });
      process.stderr.write(`  done ${id} ${R} x ${n} x ${d}\n`);
    }
  }
  const peer = quick ? { rows: [], note: 'PyTorch peer not run in --quick mode' } : torchPeer();
  rows.push(...peer.rows);
  const header = ['case', 'R x [n x] d', 'ms/step', 'Gcoord-steps/s', 'bytes/coord', 'GB/s', '% copy'];
  const table = rows.map((r) => [
    r.case,
    r.shape,
    fmt(r.msPerStep),
    fmt(r.gcoordPerS),
    r.bytesPerCoord === null ? '-' : fmt(r.bytesPerCoord),
    r.gbPerS === null ? '-' : fmt(r.gbPerS),
    r.pctCopy === null ? '-' : `${r.pctCopy.toFixed(0)}%`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w, i) => (i < 2 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`);
  for (const row of table) console.log(line(row));
  console.log(`\n(${gpu.info.name}; noise: Gaussian, Philox4x32-10 in-kernel; metrics reduced on the device every step; ${peer.note})`);
  let sweep: { profile: string; webgpu: { s: number; cells: number }; cpu: { s: number; cells: number } } | null = null;
  if (!noSweep) {
    const g = await sweepSeconds('webgpu', (spec) => runWebGpu(spec), sweepProfile as 'quick' | 'full');
    const c = await sweepSeconds('cpu', cpuRun, sweepProfile as 'quick' | 'full');
    sweep = { profile: sweepProfile, webgpu: g, cpu: c };
    console.log(`\nsignum-separable sweep (${sweepProfile} profile, ${g.cells} cells, end to end with results written):`);
    console.log(`| engine | wall s |\n|:--|--:|\n| webgpu (${gpu.info.name}) | ${g.s.toFixed(1)} |\n| cpu (1 process, float64) | ${c.s.toFixed(1)} |`);
    console.log(`speed-up ${(c.s / g.s).toFixed(2)}x`);
  }
  if (jsonPath) writeFileSync(jsonPath, JSON.stringify({ adapter: gpu.info, limits: gpu.limits, quick, rows, sweep }, null, 2));
}

try {
  await main();
} finally {
  await releaseGpu();
}
