/**
 * The one boundary between config-derived text and a shell script: a POSIX single-quoted word.
 * Inside single quotes nothing is special but the quote itself, which becomes '\''.
 */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
