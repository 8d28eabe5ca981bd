/**
 * @module IdMap: the one place where external string ids become dense integers 0..n-1 and back.
 */

export class IdMap {
  private readonly toIndex = new Map<string, number>();
  private readonly toId: string[] = [];

  static from(ids: Iterable<string>): IdMap {
    const m = new IdMap();
    for (const id of ids) m.add(id);
    return m;
  }

  /** Number of ids. */
  get size(): number {
    return this.toId.length;
  }

  /** Returns the dense index of `id`, adding it if new. */
  add(id: string): number {
    let ix = this.toIndex.get(id);
    if (ix === undefined) {
      ix = this.toId.length;
      this.toIndex.set(id, ix);
      this.toId.push(id);
    }
    return ix;
  }

  /** Dense index of `id`, or -1 when unknown. */
  index(id: string): number {
    return this.toIndex.get(id) ?? -1;
  }

  has(id: string): boolean {
    return this.toIndex.has(id);
  }

  /** External id of a dense index; throws a RangeError outside 0..size-1. */
  id(index: number): string {
    const id = this.toId[index];
    if (id === undefined) throw new RangeError(`IdMap: index ${index} outside 0..${this.toId.length - 1}`);
    return id;
  }

  /**
   * Gives index `index` the new id `id` (unknown so far) in place: the old id no longer resolves. Erasure uses it to
   * replace erased ids with tombstones without copying a map of a million ids.
   */
  rename(index: number, id: string): void {
    const old = this.id(index);
    if (this.toIndex.has(id)) throw new Error(`IdMap.rename: id ${JSON.stringify(id)} is already taken`);
    this.toIndex.delete(old);
    this.toIndex.set(id, index);
    this.toId[index] = id;
  }

  ids(): readonly string[] {
    return this.toId;
  }

  toJSON(): string[] {
    return this.toId.slice();
  }

  static fromJSON(ids: readonly string[]): IdMap {
    const m = IdMap.from(ids);
    if (m.size !== ids.length) throw new Error('IdMap.fromJSON: duplicate ids in the saved map');
    return m;
  }
}
