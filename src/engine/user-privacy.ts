/**
 * @module Which users the engine must treat differently: erased users (every read of them answers USER_ERASED,
 * their posts leave every feed at once, before the models are retrained without them) and users who switched
 * personalization off (their feed is built from the accounts they follow and what is popular, without profiling).
 * Loaded from the store at start and kept in step by the engine's writes.
 */
import type { User } from '../data/schemas.js';
import type { Store } from '../storage/store.js';

export class UserPrivacy {
  private readonly erased = new Set<string>();
  private readonly unpersonalized = new Set<string>();

  static async load(store: Store): Promise<UserPrivacy> {
    const p = new UserPrivacy();
    const flags = await store.userFlags();
    for (const id of flags.erased) p.erased.add(id);
    for (const id of flags.unpersonalized) p.unpersonalized.add(id);
    return p;
  }

  isErased(id: string): boolean {
    return this.erased.has(id);
  }

  personalized(id: string): boolean {
    return !this.unpersonalized.has(id);
  }

  markErased(id: string): void {
    this.erased.add(id);
    this.unpersonalized.delete(id);
  }

  /** User rows were written: a written id exists again, and its personalization setting is the one written. */
  usersWritten(users: readonly Pick<User, 'id' | 'personalization'>[]): void {
    for (const u of users) {
      this.erased.delete(u.id);
      if (u.personalization === false) this.unpersonalized.add(u.id);
      else this.unpersonalized.delete(u.id);
    }
  }
}
