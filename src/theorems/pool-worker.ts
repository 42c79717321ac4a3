import type { Registry } from '../core/registry.ts';
import { runCpu } from '../engine/cpu.ts';
import { specFromRecipe, type RunRecipe } from '../engine/recipe.ts';
import type { ProfileName, RateTheorem } from './types.ts';

/**
 * Child-process side of the cell pool (./pool.ts): runs replicas [range) of one cell's recipe per
 * message, or (recipe null) builds the theorem's cells for the message's profile. The theorem is looked up by id in the registry that the message's module exports as
 * `theorems` (imported once per module), so a cell of a theorem the catalogue does not hold is
 * refused, and whatever the catalogue registers on import is registered here too.
 */
const registries = new Map<string, Promise<Registry<RateTheorem>>>();

process.on('message', async (msg: { theoremsModule: string; theorem: string; recipe: RunRecipe | null; range: [number, number]; profile: ProfileName }) => {
  try {
    let registry = registries.get(msg.theoremsModule);
    if (!registry) registries.set(msg.theoremsModule, (registry = import(msg.theoremsModule).then((m: { theorems: Registry<RateTheorem> }) => m.theorems)));
    const th = (await registry).get(msg.theorem);
    const res = msg.recipe ? runCpu(specFromRecipe(msg.recipe), { replicaRange: msg.range }) : th.cells(msg.profile);
    process.send!({ ok: true, res });
  } catch (err) {
    const e = err as Error & { parameter?: string; rule?: string };
    process.send!({ ok: false, message: e.message, name: e.name, parameter: e.parameter, rule: e.rule });
  }
});
