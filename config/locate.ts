import { type DuplicateKey, type KeyPath, NestingTooDeep, scanHcl, type ScannedSource, type SourcePosition } from "./hcl-scan";

/**
 * Where a key path sits in the tfvars source, as line and column: the value for problems with a
 * value, the key for problems with the key itself (unknown setting, duplicate, invalid name).
 * A value that is missing (a required key not set) is located at the nearest enclosing key.
 */
export class SourceLocator {
  private constructor(private readonly scanned: ScannedSource | undefined) {}

  /** Scans the source; a source the scanner cannot follow yields a locator that finds nothing. */
  static of(source: string): SourceLocator {
    try {
      return new SourceLocator(scanHcl(source));
    } catch (error) {
      if (error instanceof NestingTooDeep) return new SourceLocator(undefined);
      throw error;
    }
  }

  /** Keys set twice in one map; only from a source the scanner followed to its end. */
  get duplicates(): readonly DuplicateKey[] {
    return this.scanned?.complete === true ? this.scanned.duplicates : [];
  }

  value(path: KeyPath): SourcePosition | undefined {
    return this.scanned?.valueAt(path) ?? this.enclosing(path);
  }

  key(path: KeyPath): SourcePosition | undefined {
    return this.scanned?.keyAt(path) ?? this.value(path);
  }

  /** The key of the nearest enclosing setting that is written, for a path that is not. */
  private enclosing(path: KeyPath): SourcePosition | undefined {
    for (let length = path.length - 1; length >= 1; length--) {
      const found = this.scanned?.keyAt(path.slice(0, length)) ?? this.scanned?.valueAt(path.slice(0, length));
      if (found !== undefined) return found;
    }
    return undefined;
  }
}
