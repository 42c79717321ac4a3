import { describe, expect, it } from 'vitest';
import { fillNormals, Purpose } from '../rng/streams.ts';
import { PROBLEM_REPLICA, ProblemLane, problemNormals, problemPermutation, problemUniforms } from './random.ts';

describe('problem construction streams', () => {
  it('are the Philox init stream at the reserved replica, lane = use, step = index', () => {
    const a = problemNormals(9, ProblemLane.rotation, 3, new Float64Array(10));
    const b = new Float64Array(10);
    fillNormals(9, Purpose.init, 3, ProblemLane.rotation, PROBLEM_REPLICA, b);
    expect(Array.from(a)).toEqual(Array.from(b));
    const c = new Float64Array(10);
    fillNormals(9, Purpose.init, 3, ProblemLane.rotation, 0, c); // a run's replica 0 differs
    expect(Array.from(a)).not.toEqual(Array.from(c));
    expect(Array.from(problemNormals(9, ProblemLane.center, 3, new Float64Array(10)))).not.toEqual(Array.from(a));
  });

  it('uniforms lie in (0, 1) and permutations are permutations', () => {
    const u = problemUniforms(1, ProblemLane.split, 0, new Float64Array(1001));
    expect(u.every((v) => v > 0 && v < 1)).toBe(true);
    for (const n of [1, 2, 7, 1000]) {
      const p = problemPermutation(4, ProblemLane.split, n);
      expect(Array.from(p).sort((x, y) => x - y)).toEqual(Array.from({ length: n }, (_, i) => i));
    }
    expect(Array.from(problemPermutation(4, ProblemLane.split, 50))).not.toEqual(Array.from(problemPermutation(5, ProblemLane.split, 50)));
  });
});
