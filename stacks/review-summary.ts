import { canonicalJson, resourceCountsByType, resourcesByAddress, userOutputs, type TerraformJson } from "./terraform-json";

export interface StackChanges {
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly changed: readonly string[];
}

/** Resource addresses added, removed or changed between two syntheses of one stack. */
export function diffStacks(previous: TerraformJson | undefined, next: TerraformJson): StackChanges {
  const before = previous === undefined ? new Map<string, Record<string, unknown>>() : resourcesByAddress(previous);
  const after = resourcesByAddress(next);
  return {
    added: [...after.keys()].filter((address) => !before.has(address)).sort(),
    removed: [...before.keys()].filter((address) => !after.has(address)).sort(),
    changed: [...after.keys()]
      .filter((address) => before.has(address) && canonicalJson(before.get(address)) !== canonicalJson(after.get(address)))
      .sort(),
  };
}

/** A short review block per stack: resources by type, outputs, variables to set, changes. */
export function renderStackSummary(name: string, stack: TerraformJson, dependsOn: readonly string[], previous: TerraformJson | undefined): string {
  const counts = resourceCountsByType(stack);
  const total = counts.reduce((sum, [, count]) => sum + count, 0);
  const variables = Object.entries(stack.variable ?? {}).map(([variable, body]) => (body.sensitive === true ? `TF_VAR_${variable} (secret)` : variable));
  const lines = [
    `${name}${dependsOn.length === 0 ? "" : ` (after ${dependsOn.join(", ")})`}: ${total} resources`,
    ...counts.map(([type, count]) => `  ${String(count).padStart(3)}  ${type}`),
    `  outputs:   ${userOutputs(stack).map(([output, body]) => (body.sensitive === true ? `${output} (sensitive)` : output)).join(", ") || "-"}`,
    `  variables: ${variables.join(", ") || "-"}`,
  ];
  if (previous === undefined) {
    lines.push("  changes:   first synthesis of this stack");
  } else {
    const changes = diffStacks(previous, stack);
    const count = changes.added.length + changes.removed.length + changes.changed.length;
    lines.push(`  changes:   ${count === 0 ? "none since the last synthesis" : `${changes.added.length} added, ${changes.removed.length} removed, ${changes.changed.length} changed`}`);
    lines.push(...changes.added.map((address) => `    + ${address}`));
    lines.push(...changes.removed.map((address) => `    - ${address}`));
    lines.push(...changes.changed.map((address) => `    ~ ${address}`));
  }
  return lines.join("\n");
}
