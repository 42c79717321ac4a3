import { describe, expect, it } from 'vitest';
import { algorithms } from './index.ts';
import { BUILTIN_PARAMS, checkProgram } from './program.ts';

/**
 * The registry's contract with its readers: the CLI (`signcheck algorithms`), the report pages and
 * the tfjs optimizers print an algorithm's name, summary, update rule (LaTeX), source and each
 * hyperparameter's meaning. Every entry must have them, non-empty, and its program must only read
 * hyperparameters it declares. (Found by mutation testing: emptying any of these texts went unnoticed.)
 */
describe('the algorithm registry: every entry is documented and self-consistent', () => {
  const all = algorithms.all();

  // which engines run each entry, and its example hyperparameters: contracts.test.ts
  it('has entries, with unique ids', () => {
    expect(all.length).toBeGreaterThan(0);
    expect(new Set(all.map((a) => a.id)).size).toBe(all.length);
    expect(algorithms.ids()).toEqual(all.map((a) => a.id));
  });

  for (const def of all) {
    it(`${def.id}: name, summary, update rule, source and hyperparameter docs`, () => {
      for (const [field, text] of [['name', def.name], ['summary', def.summary], ['updateRule', def.updateRule], ['source', def.source]] as const) {
        expect(text.trim(), `${def.id}.${field}`).not.toBe('');
        expect(text, `${def.id}.${field}`).toBe(text.trim());
      }
      // the source cites a paper or a reference implementation with its year
      expect(def.source, `${def.id}.source`).toMatch(/(19|20)\d\d/);
      // LaTeX braces balance in the update rule
      let depth = 0;
      for (const ch of def.updateRule.replace(/\\[{}]/g, '')) {
        depth += ch === '{' ? 1 : ch === '}' ? -1 : 0;
        expect(depth, `${def.id}.updateRule braces`).toBeGreaterThanOrEqual(0);
      }
      expect(depth, `${def.id}.updateRule braces`).toBe(0);
      const names = def.hyper.map((h) => h.name);
      expect(new Set(names).size, `${def.id}: hyperparameter names unique`).toBe(names.length);
      for (const h of def.hyper) {
        expect(h.doc.trim(), `${def.id}.${h.name}.doc`).not.toBe('');
        expect(h.name, `${def.id}: a hyperparameter named like a builtin`).not.toBe(BUILTIN_PARAMS.find((b) => b === h.name));
      }
      // the program reads only declared hyperparameters (batch is every algorithm's)
      const declared = new Set([...names, 'batch']);
      for (const p of def.program.params) expect(declared.has(p), `${def.id}: program param ${p} is declared`).toBe(true);
      expect(() => checkProgram(def.id, def.program)).not.toThrow();
      expect(def.distributed, `${def.id}: distributed flag matches the program's scope`).toBe(checkProgram(def.id, def.program).workerOps);
    });
  }
});
