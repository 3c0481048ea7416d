import { DefaultTokenResolver, StringConcat, TerraformElement, Tokenization, type TerraformStack } from "cdktf";
import { hasInertLiterals, makeElementsInert } from "../constructs/terraform-literals";

/**
 * HCL for review. The layout comes from CDKTF's own renderer (stack.toHclTerraform()), the only
 * component that knows, per attribute, whether an object is a nested block or a map. Its string
 * handling is not trusted: before rendering, every string value (and every map key that is not
 * a plain identifier) is replaced by a placeholder, and after rendering each placeholder is
 * replaced by our own encoding of the string (`hclString`): quoted with HCL's escapes, or a
 * heredoc for multi-line text, or a bare expression when the string is one reference (what
 * `terraform fmt` writes). Then HashiCorp's hclwrite (@cdktf/hcl-tools, what `cdktf synth --hcl`
 * uses and `terraform fmt` is built on) aligns and indents. A variable's `nullable`, which the
 * renderer drops, is added back from the stack's JSON. Tests compare every string of every
 * stack, hostile ones included, with the JSON through HashiCorp's parser, and run `terraform fmt -check`.
 */
export async function renderReviewHcl(stack: TerraformStack): Promise<string> {
  const variables = (stack.toTerraform() as { variable?: Record<string, { nullable?: boolean }> }).variable ?? {};
  const table = new PlaceholderTable();
  const rendered = withPlaceholders(stack, table, () => stack.toHclTerraform().hcl);
  // Loaded on first use: importing @cdktf/hcl-tools starts its Go wasm runtime (~40 MB).
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy on purpose (see above)
  const { format } = require("@cdktf/hcl-tools") as typeof import("@cdktf/hcl-tools");
  const formatted = await format(restoreNullable(table.substitute(rendered), variables));
  return formatted.endsWith("\n") ? formatted : `${formatted}\n`;
}

export function restoreNullable(hcl: string, variables: Readonly<Record<string, { nullable?: boolean }>>): string {
  return Object.entries(variables).reduce((text, [name, variable]) => {
    if (variable.nullable === undefined) return text;
    const header = `variable "${name}" {\n`;
    if (!text.includes(header)) throw new Error(`variable ${name} not found in CDKTF HCL`);
    return text.replace(header, `${header}nullable = ${String(variable.nullable)}\n`);
  }, hcl);
}

/** Meta-arguments whose elements are references or attribute names, written bare by CDKTF. */
const KEEP_AS_RENDERED = new Set(["depends_on", "provider", "ignore_changes", "replace_triggered_by", "//"]);
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]*$/;

class PlaceholderTable {
  private readonly values: string[] = [];
  private readonly marker = "HCLREVIEWSTRING";

  value(text: string): string {
    this.values.push(text);
    return `${this.marker}V${this.values.length - 1}X`;
  }

  key(text: string): string {
    if (IDENTIFIER.test(text)) return text;
    this.values.push(text);
    return `${this.marker}K${this.values.length - 1}X`;
  }

  /** Every placeholder, quoted or bare, replaced by the HCL of its string. */
  substitute(hcl: string): string {
    const placeholder = new RegExp(`^(.*?)"?${this.marker}([VK])(\\d+)X"?`, "");
    return hcl
      .split("\n")
      .map((line) => {
        let rest = line;
        let out = "";
        for (let match = placeholder.exec(rest); match !== null; match = placeholder.exec(rest)) {
          const [whole, before = "", kind, index] = match;
          const text = this.values[Number(index)] as string;
          const isWholeValue = kind === "V" && /^\s*[A-Za-z_][A-Za-z0-9_-]*\s*=\s*$/.test(before) && whole.length === rest.trimEnd().length && out === "";
          out += before + (kind === "K" ? quotedTemplate(text) : hclString(text, isWholeValue));
          rest = rest.slice(whole.length);
        }
        return out + rest;
      })
      .join("\n");
  }
}

/** Renders with every string of every element replaced by a placeholder; the elements are restored after. */
function withPlaceholders<T>(stack: TerraformStack, table: PlaceholderTable, render: () => T): T {
  if (hasInertLiterals(stack)) makeElementsInert(stack);
  const resolver = new DefaultTokenResolver(new StringConcat());
  const elements = stack.node.findAll().filter((node): node is TerraformElement => TerraformElement.isTerraformElement(node));
  const originals = elements.map((element) => element.toHclTerraform);
  elements.forEach((element, index) => {
    const original = originals[index] as () => unknown;
    element.toHclTerraform = () => placeholders(Tokenization.resolve(original.call(element), { scope: stack, preparing: false, resolver }), table);
  });
  try {
    return render();
  } finally {
    elements.forEach((element, index) => {
      element.toHclTerraform = originals[index] as () => unknown;
    });
  }
}

/** CDKTF's HCL metadata object: `{ value, type, isBlock, storageClassType }`. */
function isAttributeMetadata(value: Record<string, unknown>): boolean {
  // A resource body may have attributes named `value` and `type` too (a DNS record): only these keys make metadata.
  return "value" in value && Object.keys(value).every((key) => METADATA_KEYS.has(key));
}

const METADATA_KEYS = new Set(["value", "type", "isBlock", "is_block", "storageClassType", "storage_class_type"]);

function placeholders(value: unknown, table: PlaceholderTable): unknown {
  if (typeof value === "string") return table.value(value);
  if (Array.isArray(value)) return value.map((item) => placeholders(item, table));
  if (value === null || typeof value !== "object") return value;
  const object = value as Record<string, unknown>;
  if (isAttributeMetadata(object)) {
    // A type constraint (`type = string`) or a raw reference is an expression, not a string.
    if (object.type === "type" || object.type === "reference") return object;
    return { ...object, value: placeholders(object.value, table) };
  }
  return Object.fromEntries(
    Object.entries(object).map(([key, inner]) => (isKeptAsRendered(key, inner) ? [key, inner] : [table.key(key), placeholders(inner, table)])),
  );
}

/** The top-level `provider` section is an object of provider blocks; the meta-argument is a string. */
function isKeptAsRendered(key: string, value: unknown): boolean {
  return KEEP_AS_RENDERED.has(key) && (key !== "provider" || typeof value === "string");
}

/**
 * A string of Terraform JSON (a template: `${ref}` is a reference, `$${` a literal) as HCL that
 * means the same: a bare expression when it is exactly one reference, a heredoc for multi-line
 * text that a heredoc can hold (as the value of an attribute), otherwise a quoted template.
 */
export function hclString(text: string, asAttributeValue: boolean): string {
  const single = singleInterpolation(text);
  if (single !== undefined) return single;
  if (asAttributeValue && fitsHeredoc(text)) {
    let marker = "EOT";
    while (text.split("\n").some((line) => line.trim() === marker)) marker += "_";
    return `<<${marker}\n${text}${marker}`;
  }
  return quotedTemplate(text);
}

/** `${expr}` and nothing else -> `expr`; undefined otherwise. */
function singleInterpolation(text: string): string | undefined {
  if (!text.startsWith("${")) return undefined;
  const parts = templateParts(text);
  const only = parts[0];
  return parts.length === 1 && only?.kind === "interpolation" ? only.text.slice(2, -1).trim() : undefined;
}

/** Multi-line text ending with a newline, with no character a heredoc cannot show as it is. */
function fitsHeredoc(text: string): boolean {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  return text.includes("\n") && text.endsWith("\n") && !/[\u0000-\u0008\u000b-\u001f\u007f\u0085\u2028\u2029]/.test(text);
}

/**
 * A quoted HCL template: the literal parts escaped (backslash, quote, newline, tab, every other
 * control character and the unicode line separators as \uNNNN); `$${`/`%%{` escapes and
 * `${...}` interpolations are copied as they are, since they mean the same in both syntaxes.
 */
export function quotedTemplate(text: string): string {
  return `"${templateParts(text)
    .map((part) => (part.kind === "literal" ? escapeLiteral(part.text) : part.text))
    .join("")}"`;
}

function escapeLiteral(text: string): string {
  let out = "";
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (char === "\\") out += "\\\\";
    else if (char === '"') out += '\\"';
    else if (char === "\n") out += "\\n";
    else if (char === "\r") out += "\\r";
    else if (char === "\t") out += "\\t";
    else if (code < 0x20 || code === 0x7f || code === 0x85 || code === 0x2028 || code === 0x2029) out += `\\u${code.toString(16).padStart(4, "0")}`;
    else out += char;
  }
  return out;
}

type TemplatePart = { kind: "literal" | "interpolation"; text: string };

/** Splits a template into literal text and `${...}` / `%{...}` sequences (quotes and nesting aware). */
function templateParts(text: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let literal = "";
  let index = 0;
  while (index < text.length) {
    const two = text.slice(index, index + 2);
    const three = text.slice(index, index + 3);
    if (three === "$${" || three === "%%{") {
      literal += three;
      index += 3;
    } else if (two === "${" || two === "%{") {
      const end = sequenceEnd(text, index + 2);
      if (literal !== "") parts.push({ kind: "literal", text: literal });
      literal = "";
      parts.push({ kind: "interpolation", text: text.slice(index, end) });
      index = end;
    } else {
      literal += text[index];
      index += 1;
    }
  }
  if (literal !== "") parts.push({ kind: "literal", text: literal });
  return parts;
}

/** Index after the `}` closing a sequence opened before `start`. */
function sequenceEnd(text: string, start: number): number {
  let depth = 1;
  let quoted = false;
  for (let index = start; index < text.length; index++) {
    const char = text[index];
    if (quoted) {
      if (char === "\\") index += 1;
      else if (char === '"') quoted = false;
    } else if (char === '"') quoted = true;
    else if (char === "{") depth += 1;
    else if (char === "}" && --depth === 0) return index + 1;
  }
  throw new Error(`unterminated template sequence in ${JSON.stringify(text.slice(0, 60))}`);
}
