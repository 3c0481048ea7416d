/**
 * The candidate closest to a misspelled name (edit distance <= 3), if any; else the one candidate
 * the name abbreviates ("prod" for "production").
 */
export function closestMatch(name: string, candidates: readonly string[]): string | undefined {
  return closestByEdits(name, candidates) ?? onlyExtension(name.toLowerCase(), candidates);
}

function onlyExtension(name: string, candidates: readonly string[]): string | undefined {
  if (name.length < 3) return undefined;
  const extended = candidates.filter((candidate) => candidate.startsWith(name));
  return extended.length === 1 ? extended[0] : undefined;
}

function closestByEdits(name: string, candidates: readonly string[]): string | undefined {
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(name.toLowerCase(), candidate);
    if (distance <= 3 && (best === undefined || distance < best.distance)) best = { candidate, distance };
  }
  return best?.candidate;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
