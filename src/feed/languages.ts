/**
 * @module A user's languages in their feed (`feed.languages`): with `filter` a post in a language the user does not
 * read is left out; with `prefer` its score is multiplied by `otherLanguageWeight`. Languages compare by their
 * primary subtag (`pt` reads `pt-BR`). A post of unknown language, and every post for a user who stated no
 * languages, is left as it is.
 */
import type { ResonateConfig } from '../core/config.js';
import { baseLanguage } from '../data/language-tags.js';
import type { Store } from '../storage/store.js';

export interface LanguagePreference {
  /** Primary subtags of the languages the user reads. */
  readonly reads: ReadonlySet<string>;
  readonly policy: 'prefer' | 'filter';
  readonly otherLanguageWeight: number;
}

/** The user's preference under the config, or undefined when it changes nothing (policy off, no languages). */
export async function loadLanguagePreference(store: Store, userId: string, config: ResonateConfig['feed']['languages']): Promise<LanguagePreference | undefined> {
  if (config.policy === 'off') return undefined;
  const languages = (await store.getUser(userId))?.languages;
  if (!languages || languages.length === 0) return undefined;
  return { reads: new Set(languages.map(baseLanguage)), policy: config.policy, otherLanguageWeight: config.otherLanguageWeight };
}

/** Whether the post's language is one the user reads (or unknown). */
function readable(pref: LanguagePreference, lang: string | null | undefined): boolean {
  return lang == null || pref.reads.has(baseLanguage(lang));
}

/** False for a post the `filter` policy leaves out. */
export function languageAllowed(pref: LanguagePreference | undefined, lang: string | null | undefined): boolean {
  return pref?.policy !== 'filter' || readable(pref, lang);
}

/** The factor of a post's score: `otherLanguageWeight` for a post the `prefer` policy demotes, else 1. */
export function languageWeight(pref: LanguagePreference | undefined, lang: string | null | undefined): number {
  return pref?.policy === 'prefer' && !readable(pref, lang) ? pref.otherLanguageWeight : 1;
}
