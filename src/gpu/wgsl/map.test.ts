import { describe, expect, it } from 'vitest';
import { algorithms } from '../../algorithms/index.ts';
import { allHypers } from '../../algorithms/program.ts';
import { generateStepKernel } from '../codegen.ts';

// The WGSL plans read names as src/engine/plan resolved them: a declared scalar `d` (the D estimate
// of D-Adaptation and Prodigy) is the scalar slot s_d, never the record's dimension rec.d; the
// dimension is still read where no scalar shadows it.
describe('WGSL name reads follow the resolved plan', () => {
  const kernel = (id: string) => {
    const def = algorithms.get(id);
    return generateStepKernel({ def, hyperNames: allHypers(def).map((h) => h.name), noise: null, sigma: 'scalar', workers: 1, wx: 256, wy: 1 }).wgsl;
  };

  it('the D estimate d is the declared scalar in every op of D-Adaptation and Prodigy', () => {
    for (const id of ['dadapt-sgd', 'dadapt-adam', 'dadapt-lion', 'prodigy']) {
      const wgsl = kernel(id);
      expect(wgsl, id).toMatch(/\bs_d\b/);
      expect(wgsl.includes('rec.d'), id).toBe(false);
    }
  });

  it('a program that reads the dimension without a scalar named d reads rec.d', () => {
    const readers = algorithms.all().filter((def) => !def.program.scalars.some((s) => s.name === 'd') && !def.distributed && def.program.ops.some((o) => (o.op === 'map' || o.op === 'scalar') && o.assign.some(([, src]) => /\bd\b/.test(src))));
    expect(readers.length).toBeGreaterThan(0);
    for (const def of readers) expect(kernel(def.id), def.id).toContain('rec.d');
  });
});
