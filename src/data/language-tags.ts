/**
 * @module Language tags of posts and users: the code a client sends must be a BCP 47 tag whose primary language
 * ICU knows; it is kept in canonical form (`EN-us` → `en-US`) and compared by its primary subtag
 * (`baseLanguage('zh-Hant')` is `zh`), so a user who reads `pt` is shown `pt-BR` posts.
 */
import { createError } from '../core/errors.js';

const NAMES = new Intl.DisplayNames(['en'], { type: 'language', fallback: 'none' });

/** Twitter's and BCP 47's "undetermined": read as no language (the post's language is then identified). */
export const UNDETERMINED = 'und';

/**
 * The canonical form of a language tag, or undefined when it is not a well-formed BCP 47 tag whose primary
 * language ICU names (`xx`, `qaa`, `english` are not languages).
 */
export function canonicalLanguage(tag: string): string | undefined {
  let canonical: string;
  try {
    [canonical = ''] = Intl.getCanonicalLocales(tag);
  } catch {
    return undefined;
  }
  const base = baseLanguage(canonical);
  if (!/^[a-z]{2,3}$/.test(base) || base === UNDETERMINED || NAMES.of(base) === undefined) return undefined;
  return canonical;
}

/** The primary language subtag, lower-cased: `pt-BR` → `pt`. */
export function baseLanguage(tag: string): string {
  const dash = tag.indexOf('-');
  return (dash < 0 ? tag : tag.slice(0, dash)).toLowerCase();
}

/** `canonicalLanguage`, or UNKNOWN_LANGUAGE naming the field. */
export function requireLanguage(tag: string, field: string): string {
  const canonical = canonicalLanguage(tag);
  if (canonical === undefined) throw createError('UNKNOWN_LANGUAGE', { field, code: tag });
  return canonical;
}
