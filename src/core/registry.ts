import { UserInputError } from './errors.ts';

/** Anything that can sit in a registry: a stable id and a one-line description. */
export interface Registered {
  readonly id: string;
  readonly summary: string;
}

/**
 * One registry per kind of thing (problems, noise models, algorithms, lemmas, theorems), so the
 * CLI, the property contracts and the reports iterate over everything that exists and nothing is
 * forgotten. Ids are unique; lookups of unknown ids are user errors listing what exists.
 */
export class Registry<T extends Registered> {
  private readonly items = new Map<string, T>();
  constructor(readonly kind: string) {}

  register(item: T): T {
    if (this.items.has(item.id)) throw new Error(`${this.kind} '${item.id}' is registered twice`);
    this.items.set(item.id, item);
    return item;
  }

  has(id: string): boolean {
    return this.items.has(id);
  }

  get(id: string): T {
    const item = this.items.get(id);
    if (!item) {
      throw new UserInputError(this.kind, `must be one of: ${[...this.items.keys()].join(', ')}`, `got "${id}"`);
    }
    return item;
  }

  all(): T[] {
    return [...this.items.values()];
  }

  ids(): string[] {
    return [...this.items.keys()];
  }
}
