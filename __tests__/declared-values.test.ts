import fc from "fast-check";
import { declaredValues } from "../config/declared-values";

/** What the secret scan did before: one regex alternation of the values, longest first. */
function byAlternation(text: string, values: readonly string[]): string {
  const sorted = [...new Set(values)].filter((value) => value.length > 0).sort((a, b) => b.length - a.length);
  if (sorted.length === 0) return text;
  return text.replace(new RegExp(sorted.map((value) => value.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")).join("|"), "g"), " ");
}

/**
 * Values no generated text contains (letters outside the alphabet below): added to the values
 * they push the matcher past its native-search limit onto the rolling hash, without changing
 * what must be replaced.
 */
const UNUSED_VALUES = Array.from({ length: 70 }, (_, index) => `Zq${index.toString(36)}Zq`);

describe("declared values", () => {
  it.each([
    ["a few values (native substring search)", [] as string[]],
    ["many values (one rolling-hash pass)", UNUSED_VALUES],
  ])("are replaced exactly as an alternation of them, longest first, would replace them: %s", (_name, extra) => {
    const alphabet = fc.constantFrom("A", "B", "a", "/", "+", "=", " ", "-", "s", "h");
    const word = fc.array(alphabet, { minLength: 1, maxLength: 14 }).map((chars) => chars.join(""));
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 5 }), fc.array(fc.oneof(word, alphabet), { maxLength: 30 }), (values, pieces) => {
        // Texts built from the values themselves, their prefixes and noise: overlaps and near misses.
        const text = pieces.map((piece, index) => (index % 3 === 0 ? (values[index % values.length] ?? "") : index % 3 === 1 ? piece : (values[index % values.length] ?? "").slice(0, 5) + piece)).join("");
        expect(declaredValues([...values, ...extra])?.replaceWithSpace(text) ?? text).toBe(byAlternation(text, values));
      }),
      { numRuns: 3000 },
    );
  });

  it("prefer the longer of two values starting at the same place (a host key and the same key with a comment)", () => {
    const key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOOWYTTFipthPA0bqu7ZtGdb6qVJmleiw9kq+A9NzLBa";
    expect(declaredValues([key, `${key} deploy@example.com`])?.replaceWithSpace(`a ${key} deploy@example.com b ${key} c`)).toBe("a   b   c");
  });

  it("remove every one of thousands of values from a long text (how fast is the bench's business)", () => {
    const keys = Array.from({ length: 2000 }, (_, index) => Buffer.from(Array.from({ length: 32 }, (_, byte) => (index * 7919 + byte * 104729) % 251)).toString("base64"));
    const text = Array.from({ length: 20000 }, (_, index) => `Endpoint = 198.51.100.${index % 250}:51820 ${keys[index % keys.length]}\n`).join("");
    const replaced = declaredValues(keys)?.replaceWithSpace(text) ?? text;
    expect(replaced).not.toMatch(/[A-Za-z0-9+/]{40}/);
  });
});
