/**
 * A small scanner over the tfvars source that records where every key and every value starts.
 * HashiCorp's parser (through hcl2json) returns values without positions and silently keeps the
 * last of two equal keys inside an object, so the positions and the duplicates come from here.
 *
 * It understands what a tfvars file can hold: `#`, `//` and `/* *\/` comments, quoted strings
 * with escapes and `${ }` / `%{ }` sequences, heredocs (`<<EOF`, `<<-EOF`), lists, objects with
 * bare or quoted keys (`=` or `:`), and simple expressions. On anything else it stops and reports
 * itself incomplete: the HCL parser then has the final word on syntax.
 */

/** A 1-based line and column (columns count characters, as HCL's own diagnostics do). */
export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

export type KeyPath = readonly (string | number)[];

/** A key written twice in the same object (or twice at the top level). */
export interface DuplicateKey {
  readonly path: KeyPath;
  readonly first: SourcePosition;
  readonly second: SourcePosition;
}

export interface ScannedSource {
  /** Where the value at this path starts (list items by index). */
  valueAt(path: KeyPath): SourcePosition | undefined;
  /** Where the key of this path is written. */
  keyAt(path: KeyPath): SourcePosition | undefined;
  readonly duplicates: readonly DuplicateKey[];
  /** False when the scanner met something it does not understand and stopped there. */
  readonly complete: boolean;
}

/** Lists, objects, parentheses and `${ }` sequences nested deeper than this are refused. */
export const MAX_NESTING_DEPTH = 16;

/** Raised when the source nests deeper than MAX_NESTING_DEPTH, at the opening that crossed it. */
export class NestingTooDeep extends Error {
  constructor(readonly position: SourcePosition) {
    super(`nested deeper than ${MAX_NESTING_DEPTH} levels`);
  }
}

class Incomplete extends Error {}

export function scanHcl(source: string): ScannedSource {
  const scanner = new Scanner(source);
  let complete = true;
  try {
    scanner.body();
  } catch (error) {
    if (error instanceof NestingTooDeep) throw error;
    if (!(error instanceof Incomplete)) throw error;
    complete = false;
  }
  return scanner.result(complete);
}

/**
 * For sources the scanner could not follow: where brackets, braces or parentheses first nest
 * deeper than MAX_NESTING_DEPTH, counting outside quoted strings and comments. HashiCorp's parser
 * recurses per level and overflows the stack long before a file is large.
 */
export function firstTooDeep(source: string): SourcePosition | undefined {
  let depth = 0;
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < source.length; i++) {
    const char = source[i];
    if (char === "\n") {
      line++;
      lineStart = i + 1;
    } else if (char === '"') {
      for (i++; i < source.length && source[i] !== '"' && source[i] !== "\n"; i++) if (source[i] === "\\") i++;
      if (source[i] === "\n") i--;
    } else if (char === "#" || (char === "/" && source[i + 1] === "/")) {
      while (i + 1 < source.length && source[i + 1] !== "\n") i++;
    } else if (char === "[" || char === "{" || char === "(") {
      depth++;
      if (depth > MAX_NESTING_DEPTH) return { line, column: Array.from(source.slice(lineStart, i)).length + 1 };
    } else if (char === "]" || char === "}" || char === ")") depth = Math.max(0, depth - 1);
  }
  return undefined;
}

const pathKey = (path: KeyPath): string => JSON.stringify(path);

class Scanner {
  private index = 0;
  private readonly lineStarts: number[] = [0];
  private readonly values = new Map<string, number>();
  private readonly keys = new Map<string, number>();
  private readonly duplicateOffsets: { path: KeyPath; first: number; second: number }[] = [];

  constructor(private readonly source: string) {
    for (let i = 0; i < source.length; i++) if (source.charCodeAt(i) === 10) this.lineStarts.push(i + 1);
  }

  result(complete: boolean): ScannedSource {
    const at = (offsets: Map<string, number>) => (path: KeyPath) => {
      const offset = offsets.get(pathKey(path));
      return offset === undefined ? undefined : this.position(offset);
    };
    return {
      valueAt: at(this.values),
      keyAt: at(this.keys),
      duplicates: this.duplicateOffsets.map(({ path, first, second }) => ({ path, first: this.position(first), second: this.position(second) })),
      complete,
    };
  }

  /** The top level: `name = value` attributes (and blocks, which tfvars refuse later). */
  body(): void {
    const seen = new Map<string, number>();
    if (this.peek() === "\ufeff") this.index++;
    for (;;) {
      this.skipTrivia(true);
      if (this.index >= this.source.length) return;
      const keyOffset = this.index;
      const name = this.identifier();
      if (name === undefined) throw new Incomplete();
      this.record([name], keyOffset, seen);
      this.skipTrivia(false);
      if (this.peek() === "=") {
        this.index++;
        this.skipTrivia(false);
        this.expression([name], 0);
        continue;
      }
      while (this.peek() === '"') {
        this.quoted(0);
        this.skipTrivia(false);
      }
      if (this.peek() !== "{") throw new Incomplete();
      this.values.set(pathKey([name]), this.index);
      this.object([name], 0);
    }
  }

  private record(path: KeyPath, offset: number, seen: Map<string, number>): void {
    const name = String(path[path.length - 1]);
    const first = seen.get(name);
    if (first !== undefined) this.duplicateOffsets.push({ path, first, second: offset });
    else {
      seen.set(name, offset);
      this.keys.set(pathKey(path), offset);
    }
  }

  /** One expression; `path` is where its value lives, or undefined inside operators and calls. */
  private expression(path: KeyPath | undefined, depth: number): void {
    this.operand(path, depth);
    for (;;) {
      this.skipTrivia(false);
      const rest = this.source.slice(this.index, this.index + 2);
      const operator = /^(==|!=|<=|>=|&&|\|\||[-+*/%<>?:!])/.exec(rest)?.[0];
      if (operator === undefined || rest.startsWith("//") || rest.startsWith("/*")) return;
      this.index += operator.length;
      this.skipTrivia(true);
      this.operand(undefined, depth);
    }
  }

  private operand(path: KeyPath | undefined, depth: number): void {
    this.skipTrivia(false);
    if (path !== undefined) this.values.set(pathKey(path), this.index);
    while (this.peek() === "-" || this.peek() === "!") {
      this.index++;
      this.skipTrivia(false);
    }
    const char = this.peek();
    if (char === '"') this.quoted(depth);
    else if (this.source.startsWith("<<", this.index)) this.heredoc();
    else if (char === "[") this.list(path, depth);
    else if (char === "{") this.object(path, depth);
    else if (char === "(") this.parenthesized(depth);
    else if (char !== undefined && /[0-9]/.test(char)) this.index += /^[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(this.source.slice(this.index, this.index + 400))?.[0].length ?? 1;
    else if (this.identifier() === undefined) throw new Incomplete();
    this.postfix(depth);
  }

  /** `.attr`, `[index]` and `(arguments)` after an operand: not values of the file, only skipped. */
  private postfix(depth: number): void {
    for (;;) {
      const char = this.peek();
      if (char === ".") {
        this.index++;
        if (this.identifier() === undefined && !/[0-9*]/.test(this.peek() ?? "")) throw new Incomplete();
        while (/[0-9*]/.test(this.peek() ?? "")) this.index++;
      } else if (char === "[" || char === "(") {
        this.enter(depth);
        const close = char === "[" ? "]" : ")";
        this.index++;
        for (;;) {
          this.skipTrivia(true);
          if (this.peek() === close) break;
          this.expression(undefined, depth + 1);
          this.skipTrivia(true);
          if (this.peek() === ",") this.index++;
          else if (this.peek() !== close) throw new Incomplete();
        }
        this.index++;
      } else return;
    }
  }

  private list(path: KeyPath | undefined, depth: number): void {
    this.enter(depth);
    this.index++;
    for (let item = 0; ; item++) {
      this.skipTrivia(true);
      if (this.peek() === "]") break;
      this.expression(path === undefined ? undefined : [...path, item], depth + 1);
      this.skipTrivia(true);
      if (this.peek() === ",") this.index++;
      else if (this.peek() !== "]") throw new Incomplete();
    }
    this.index++;
  }

  private object(path: KeyPath | undefined, depth: number): void {
    this.enter(depth);
    this.index++;
    const seen = new Map<string, number>();
    for (;;) {
      this.skipTrivia(true);
      if (this.peek() === "}") break;
      const keyOffset = this.index;
      let key: string | undefined;
      if (this.peek() === '"') key = this.quoted(depth);
      else if (this.peek() === "(") this.parenthesized(depth);
      else key = this.identifier() ?? this.number();
      if (key === undefined && this.source[keyOffset] !== "(") throw new Incomplete();
      const keyPath = path === undefined || key === undefined ? undefined : [...path, key];
      if (keyPath !== undefined) this.record(keyPath, keyOffset, seen);
      this.skipTrivia(false);
      if (this.peek() !== "=" && this.peek() !== ":") throw new Incomplete();
      this.index++;
      this.skipTrivia(false);
      this.expression(keyPath, depth + 1);
      this.skipTrivia(true);
      if (this.peek() === ",") this.index++;
    }
    this.index++;
  }

  private parenthesized(depth: number): void {
    this.enter(depth);
    this.index++;
    this.skipTrivia(true);
    this.expression(undefined, depth + 1);
    this.skipTrivia(true);
    if (this.peek() !== ")") throw new Incomplete();
    this.index++;
  }

  /** A quoted string; returns its text (unescaped when it holds no `${ }` / `%{ }` sequence, as written otherwise). */
  private quoted(depth: number): string {
    const start = this.index;
    this.index++;
    let literal = true;
    for (;;) {
      const char = this.peek();
      if (char === undefined || char === "\n") throw new Incomplete();
      if (char === "\\") this.index += 2;
      else if (char === '"') break;
      else if ((char === "$" || char === "%") && this.source.startsWith(`${char}${char}{`, this.index)) this.index += 3;
      else if ((char === "$" || char === "%") && this.source[this.index + 1] === "{") {
        literal = false;
        this.enter(depth);
        this.index += 2;
        this.templateSequence(depth + 1);
      } else this.index++;
    }
    this.index++;
    if (!literal) return this.source.slice(start + 1, this.index - 1);
    try {
      return JSON.parse(this.source.slice(start, this.index)) as string;
    } catch {
      return this.source.slice(start + 1, this.index - 1);
    }
  }

  /** The inside of `${ ... }` or `%{ ... }`, up to its closing brace, minding nested strings. */
  private templateSequence(depth: number): void {
    let braces = 0;
    for (;;) {
      const char = this.peek();
      if (char === undefined) throw new Incomplete();
      if (char === '"') {
        this.quoted(depth);
        continue;
      }
      if (char === "{") {
        this.enter(depth + braces);
        braces++;
      } else if (char === "}") {
        if (braces === 0) {
          this.index++;
          return;
        }
        braces--;
      }
      this.index++;
    }
  }

  private heredoc(): void {
    const header = /^<<-?([A-Za-z_][A-Za-z0-9_-]*)[ \t]*\r?\n/.exec(this.source.slice(this.index, this.index + 200));
    if (header === null) throw new Incomplete();
    const marker = header[1] as string;
    this.index += header[0].length;
    for (;;) {
      const end = this.source.indexOf("\n", this.index);
      const line = this.source.slice(this.index, end < 0 ? this.source.length : end);
      this.index = end < 0 ? this.source.length : end + 1;
      if (line.trim() === marker) {
        if (end >= 0) this.index = end;
        return;
      }
      if (end < 0) throw new Incomplete();
    }
  }

  private identifier(): string | undefined {
    const match = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(this.source.slice(this.index, this.index + 256));
    if (match === null) return undefined;
    this.index += match[0].length;
    return match[0];
  }

  private number(): string | undefined {
    const match = /^[0-9]+/.exec(this.source.slice(this.index, this.index + 64));
    if (match === null) return undefined;
    this.index += match[0].length;
    return match[0];
  }

  /** Skips blanks and comments; newlines too when `newlines` (inside brackets, between items). */
  private skipTrivia(newlines: boolean): void {
    for (;;) {
      const char = this.peek();
      if (char === " " || char === "\t" || char === "\r" || (newlines && char === "\n")) this.index++;
      else if (char === "#" || this.source.startsWith("//", this.index)) {
        const end = this.source.indexOf("\n", this.index);
        this.index = end < 0 ? this.source.length : end;
      } else if (this.source.startsWith("/*", this.index)) {
        const end = this.source.indexOf("*/", this.index + 2);
        if (end < 0) throw new Incomplete();
        this.index = end + 2;
      } else return;
    }
  }

  private enter(depth: number): void {
    if (depth + 1 > MAX_NESTING_DEPTH) throw new NestingTooDeep(this.position(this.index));
  }

  private peek(): string | undefined {
    return this.source[this.index];
  }

  private position(offset: number): SourcePosition {
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if ((this.lineStarts[middle] as number) <= offset) low = middle;
      else high = middle - 1;
    }
    const start = this.lineStarts[low] as number;
    return { line: low + 1, column: Array.from(this.source.slice(start, offset)).length + 1 };
  }
}
