/**
 * A unified diff of two texts, line by line (longest common subsequence), with `context` lines
 * around each change. Small inputs only: cloud-config user data of a few hundred lines.
 */
export function unifiedDiff(before: string, after: string, context = 2): string[] {
  const a = before.split("\n");
  const b = after.split("\n");
  const edits = lineEdits(a, b);
  const hunks: string[] = [];
  let index = 0;
  while (index < edits.length) {
    if (edits[index]?.kind === " ") {
      index += 1;
      continue;
    }
    const start = Math.max(0, index - context);
    let end = index;
    // Extend the hunk while the next change is within 2 * context unchanged lines.
    for (let next = index; next < edits.length; next += 1) {
      if (edits[next]?.kind !== " ") end = next;
      else if (next - end > 2 * context) break;
    }
    const stop = Math.min(edits.length, end + context + 1);
    const slice = edits.slice(start, stop);
    const firstOld = (slice.find((edit) => edit.oldLine !== undefined)?.oldLine ?? 0) + 1;
    const firstNew = (slice.find((edit) => edit.newLine !== undefined)?.newLine ?? 0) + 1;
    const oldCount = slice.filter((edit) => edit.kind !== "+").length;
    const newCount = slice.filter((edit) => edit.kind !== "-").length;
    hunks.push(`@@ -${firstOld},${oldCount} +${firstNew},${newCount} @@`, ...slice.map((edit) => `${edit.kind}${edit.text}`));
    index = stop;
  }
  return hunks;
}

interface LineEdit {
  readonly kind: " " | "-" | "+";
  readonly text: string;
  readonly oldLine?: number;
  readonly newLine?: number;
}

/** Edits of the whole texts: common first and last lines are kept as they are, the middle is compared line by line. */
function lineEdits(a: readonly string[], b: readonly string[]): LineEdit[] {
  let prefix = 0;
  while (prefix < a.length && prefix < b.length && a[prefix] === b[prefix]) prefix += 1;
  let suffix = 0;
  while (suffix < a.length - prefix && suffix < b.length - prefix && a[a.length - 1 - suffix] === b[b.length - 1 - suffix]) suffix += 1;
  const same = (from: number, count: number, offsetB: number): LineEdit[] =>
    Array.from({ length: count }, (_, k) => ({ kind: " " as const, text: a[from + k]!, oldLine: from + k, newLine: from + k + offsetB }));
  const middle = middleEdits(a.slice(prefix, a.length - suffix), b.slice(prefix, b.length - suffix)).map((edit) => ({
    ...edit,
    ...(edit.oldLine === undefined ? {} : { oldLine: edit.oldLine + prefix }),
    ...(edit.newLine === undefined ? {} : { newLine: edit.newLine + prefix }),
  }));
  return [...same(0, prefix, 0), ...middle, ...same(a.length - suffix, suffix, b.length - a.length)];
}

function middleEdits(a: readonly string[], b: readonly string[]): LineEdit[] {
  // common[i][j] = length of the longest common subsequence of a[i..] and b[j..].
  const common = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i -= 1) {
    for (let j = b.length - 1; j >= 0; j -= 1) {
      common[i]![j] = a[i] === b[j] ? common[i + 1]![j + 1]! + 1 : Math.max(common[i + 1]![j]!, common[i]![j + 1]!);
    }
  }
  const edits: LineEdit[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      edits.push({ kind: " ", text: a[i]!, oldLine: i, newLine: j });
      i += 1;
      j += 1;
    } else if (i < a.length && (j === b.length || common[i + 1]![j]! >= common[i]![j + 1]!)) {
      edits.push({ kind: "-", text: a[i]!, oldLine: i });
      i += 1;
    } else {
      edits.push({ kind: "+", text: b[j]!, newLine: j });
      j += 1;
    }
  }
  return edits;
}
