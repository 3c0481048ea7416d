import { readFileSync } from "node:fs";

/**
 * One generated CDKTF binding file (`lib/<resource>/index.js`), cut into the pieces schema
 * derivation reads: the top-level classes and the `<struct>ToHclTerraform` functions.
 */
export interface BindingSource {
  /** Class name -> class body. */
  readonly classes: ReadonlyMap<string, ClassSource>;
  /** Struct function prefix (e.g. `dropletBackupPolicy`) -> function body. */
  readonly structFunctions: ReadonlyMap<string, string>;
}

export interface ClassSource {
  readonly name: string;
  /** `cdktf.TerraformResource`, `cdktf.ComplexObject`, ... */
  readonly base: string;
  readonly body: string;
}

/** Source-map lines run to megabytes; regexes over them crawl, and they hold no schema. */
const MAX_LINE_LENGTH = 3000;

export function readBindingSource(file: string): BindingSource {
  const lines = readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line.length <= MAX_LINE_LENGTH);
  const classes = new Map<string, ClassSource>();
  const structFunctions = new Map<string, string>();
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] ?? "";
    const classMatch = /^class (\w+) extends ([\w.]+) \{/.exec(line);
    const functionMatch = /^function (\w+)ToHclTerraform\(struct\) \{/.exec(line);
    if (classMatch === null && functionMatch === null) continue;
    const end = lines.indexOf("}", index + 1);
    const body = lines.slice(index + 1, end < 0 ? lines.length : end).join("\n");
    if (classMatch?.[1] !== undefined && classMatch[2] !== undefined) {
      classes.set(classMatch[1], { name: classMatch[1], base: classMatch[2], body });
    } else if (functionMatch?.[1] !== undefined) {
      structFunctions.set(functionMatch[1], body);
    }
    if (end > index) index = end;
  }
  return { classes, structFunctions };
}

/** One configurable argument, as listed in `synthesizeHclAttributes` / `*ToHclTerraform`. */
export interface ArgumentEntry {
  readonly name: string;
  /** The jsii (camelCase) property the value is read from. */
  readonly property: string | undefined;
  readonly isBlock: boolean;
  /** simple, list, set, map or struct. */
  readonly kind: string;
  readonly storageClassType: string;
  /** For struct-valued entries: the struct function prefix (e.g. `dropletBackupPolicy`). */
  readonly struct: string | undefined;
}

const ENTRY =
  /^\s+("?[\w-]+"?): \{\n\s+value: (.*),\n\s+isBlock: (true|false),\n\s+type: "(\w+)",\n\s+storageClassType: "(\w+)",/gm;

export function argumentEntries(body: string): ArgumentEntry[] {
  const entries: ArgumentEntry[] = [];
  for (const match of body.matchAll(ENTRY)) {
    const [, rawName = "", value = "", isBlock, kind = "", storageClassType = ""] = match;
    const struct = /(?:^|[^.\w])(\w+)ToHclTerraform\b/.exec(value.replace(/cdktf\.\w+ToHclTerraform/g, ""))?.[1];
    entries.push({
      name: rawName.replace(/"/g, ""),
      property: /(?:this\._|struct\.|struct!\.)(\w+)/.exec(value)?.[1],
      isBlock: isBlock === "true",
      kind,
      storageClassType,
      struct,
    });
  }
  return entries;
}

/** A read-only attribute: `// name - computed: true, optional: false, required: false`. */
export interface ComputedEntry {
  readonly name: string;
  /** The getter's return expression, or the `new X(...)` that backs it. */
  readonly expression: string;
}

const COMPUTED_COMMENT = /^\s+\/\/ ([\w-]+) - computed: true, optional: false, required: false\n(.*)\n(.*)\n?/gm;

export function computedEntries(body: string): ComputedEntry[] {
  const entries: ComputedEntry[] = [];
  for (const match of body.matchAll(COMPUTED_COMMENT)) {
    const [, name = "", first = "", second = ""] = match;
    entries.push({ name, expression: /^\s+get \w+\(\) \{$/.test(first) ? second.trim() : first.trim() });
  }
  return entries;
}

/** Every getter of a class with the Terraform name it reads, for computed nested objects. */
export function getterEntries(body: string): ComputedEntry[] {
  const entries: ComputedEntry[] = [];
  for (const match of body.matchAll(/^ {4}get (\w+)\(\) \{\n\s+return (.*);$/gm)) {
    const [, property = "", expression = ""] = match;
    const name = /\('([\w-]+)'\)/.exec(expression)?.[1] ?? constructedName(body, property);
    if (name !== undefined && property !== "internalValue") entries.push({ name, expression });
  }
  return entries;
}

function constructedName(body: string, property: string): string | undefined {
  return new RegExp(`_${property} = new [\\w.]+\\(this, "([\\w-]+)"`).exec(body)?.[1];
}

/** `this._x = new Cls(this, "x", wrapsSet)` backing a computed getter, if any. */
export function constructedClass(body: string, name: string): { className: string; wrapsSet: boolean } | undefined {
  const match = new RegExp(`= new ([\\w.]+)\\(this, "${name}"(?:, (true|false))?\\)`).exec(body);
  if (match?.[1] === undefined) return undefined;
  return { className: match[1], wrapsSet: match[2] === "true" };
}

export function terraformTypeName(body: string): string | undefined {
  return /terraformResourceType: '([\w-]+)'/.exec(body)?.[1];
}
