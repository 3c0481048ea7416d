import type { ConfigIssue } from "./errors";
import type { SourceLocator } from "./locate";
import { joinPath, showValue } from "./show-value";

/** No setting takes a longer string; the schema bounds each one more tightly. */
export const MAX_STRING_LENGTH = 4096;

type Path = (string | number)[];

/** Every string of the parsed file (values and keys) with where it sits. */
function* strings(value: unknown, path: Path): Generator<{ path: Path; text: string; isKey: boolean }> {
  if (typeof value === "string") yield { path, text: value, isKey: false };
  else if (Array.isArray(value)) for (const [index, item] of value.entries()) yield* strings(item, [...path, index]);
  else if (value !== null && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      yield { path: [...path, key], text: key, isKey: true };
      yield* strings(item, [...path, key]);
    }
  }
}

/**
 * tfvars values are literal text. A `${` or `%{` in one would be evaluated by Terraform as a
 * template wherever the value lands (reading files, calling functions on the machine that runs
 * `terraform plan`), and no setting has a use for one. Over-long strings are refused here too,
 * before any pattern runs on them.
 */
export function literalIssues(raw: Record<string, unknown>, locator: SourceLocator): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const [top, value] of Object.entries(raw)) {
    for (const found of strings(value, [top])) {
      const tooLong = found.text.length > MAX_STRING_LENGTH;
      if (!tooLong && !/[$%]\{/.test(found.text)) continue;
      const at = { key: joinPath(found.path), ...(found.isKey ? locator.key(found.path) : locator.value(found.path)) };
      if (tooLong) {
        issues.push({ ...at, problem: `is ${found.text.length} characters long; no setting takes more than ${MAX_STRING_LENGTH}` });
      } else {
        const sequence = /\$\{/.test(found.text) ? "${" : "%{";
        issues.push({
          ...at,
          ...(found.isKey ? {} : { shownValue: showValue(found.text) }),
          problem: `contains a template sequence \`${sequence}\`: Terraform would evaluate it (it can read files and call functions on the machine that runs terraform plan); ${found.isKey ? "keys" : "values"} in this file are literal text, remove it`,
        });
      }
    }
  }
  return issues;
}
