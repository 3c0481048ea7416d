/**
 * Replaces every occurrence of a set of literal strings with a space: at each position the
 * longest string that starts there wins, and the scan resumes after it (what a regex alternation
 * of the strings, longest first, does). A regex alternation of N random keys tries the
 * alternatives one by one at every position, so with N mesh keys over output that grows with N it
 * was quadratic (5 s for 500 keys over 14 MB).
 *
 * A few strings (a config declares one SSH key and a handful of members) are found with
 * `indexOf`, V8's native substring search, which skips ahead by the length of the string and
 * costs the same in a process's first call as in its thousandth. Many strings are found in one
 * pass by a rolling hash of their first characters, then compared in full: one JavaScript
 * iteration per character, which is slow until V8 has optimised the loop.
 */
export interface DeclaredValues {
  replaceWithSpace(text: string): string;
}

const PREFIX = 8;
const BASE = 31;
const BUCKETS = 1 << 16;
/** Hashes modulo 2^30 stay small integers for V8 (no heap numbers in the loop). */
const HASH_MASK = (1 << 30) - 1;

/** Up to this many strings, one native search per string beats one hashed pass over the text. */
const NATIVE_SEARCH_MAX = 64;

export function declaredValues(values: readonly string[]): DeclaredValues | undefined {
  const distinct = [...new Set(values)].filter((value) => value.length > 0).sort((a, b) => b.length - a.length);
  if (distinct.length === 0) return undefined;
  return distinct.length <= NATIVE_SEARCH_MAX ? byNativeSearch(distinct) : byRollingHash(distinct);
}

/** `longestFirst`: distinct, non-empty, sorted by length, longest first (it decides ties). */
function byNativeSearch(longestFirst: readonly string[]): DeclaredValues {
  return {
    replaceWithSpace(text: string): string {
      const next = longestFirst.map((value) => text.indexOf(value));
      const parts: string[] = [];
      let copied = 0;
      for (;;) {
        let best = -1;
        for (let index = 0; index < longestFirst.length; index += 1) {
          if (next[index]! >= 0 && next[index]! < copied) next[index] = text.indexOf(longestFirst[index]!, copied);
          if (next[index]! >= 0 && (best < 0 || next[index]! < next[best]!)) best = index;
        }
        if (best < 0) break;
        parts.push(text.slice(copied, next[best]), " ");
        copied = next[best]! + longestFirst[best]!.length;
      }
      if (copied === 0) return text;
      parts.push(text.slice(copied));
      return parts.join("");
    },
  };
}

function byRollingHash(distinct: readonly string[]): DeclaredValues {
  const width = Math.min(PREFIX, ...distinct.map((value) => value.length));
  const byPrefix = new Map<number, string[]>();
  // A bit per hash bucket: most positions are rejected without a Map lookup.
  const buckets = new Uint8Array(BUCKETS);
  for (const value of distinct) {
    const key = hashOf(value, 0, width);
    byPrefix.set(key, [...(byPrefix.get(key) ?? []), value]);
    buckets[key & (BUCKETS - 1)] = 1;
  }
  let outgoing = 1;
  for (let index = 1; index < width; index += 1) outgoing = Math.imul(outgoing, BASE);
  return {
    replaceWithSpace(text: string): string {
      if (text.length < width) return text;
      const parts: string[] = [];
      let copied = 0;
      let position = 0;
      let hash = hashOf(text, 0, width);
      while (position + width <= text.length) {
        const found = buckets[hash & (BUCKETS - 1)] === 0 ? undefined : byPrefix.get(hash)?.find((value) => text.startsWith(value, position));
        if (found !== undefined) {
          parts.push(text.slice(copied, position), " ");
          position += found.length;
          copied = position;
          if (position + width <= text.length) hash = hashOf(text, position, width);
          continue;
        }
        if (position + width < text.length) {
          hash = (Math.imul(hash - Math.imul(text.charCodeAt(position), outgoing), BASE) + text.charCodeAt(position + width)) & HASH_MASK;
        }
        position += 1;
      }
      if (copied === 0) return text;
      parts.push(text.slice(copied));
      return parts.join("");
    },
  };
}

function hashOf(text: string, start: number, width: number): number {
  let hash = 0;
  for (let index = start; index < start + width; index += 1) hash = (Math.imul(hash, BASE) + text.charCodeAt(index)) & HASH_MASK;
  return hash;
}
