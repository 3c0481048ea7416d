import type { Config } from "../config/config";
import { renderCost, renderTotalCost, stackCost, type PriceInputs, type StackCost } from "./review/cost";
import { crossStackEffects, type ReviewedStack } from "./review/cross-stack";
import { guardReplacements, type ReplacementConfirmations } from "./review/guard";
import { planStack } from "./review/plan";
import { renderPlan } from "./review/render-plan";
export { ChangeRefusedError } from "./review/refusal";
import { guardRetiredStacks } from "./review/retired-stacks";
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

/** What the review and its guards take from the command line and the config. */
export interface ReviewOptions extends ReplacementConfirmations, PriceInputs {
  /** `--forget <stack>`: stacks no longer produced whose resources are left unmanaged on purpose. */
  readonly forget?: readonly string[];
}

/** The review options the config holds (`allow_replace`, `prices`, the OVH servers' prices). */
export function reviewOptionsFromConfig(config: Config): ReviewOptions {
  return {
    allowReplaceInConfig: config.allowReplace,
    prices: config.prices,
    ovhServers: config.hosts
      .filter((host) => host.provider === "ovh")
      .map((host) => ({ name: host.name, ...(host.monthlyPriceEur === undefined ? {} : { monthlyPriceEur: host.monthlyPriceEur }) })),
  };
}

/** One synthesized stack with the JSON of its previous synthesis, if any. */
export interface SynthesizedStack {
  readonly name: string;
  readonly json: TerraformJson;
  readonly dependsOn: readonly string[];
  readonly previous: TerraformJson | undefined;
}

/**
 * The review of a synthesis, in dependency order: per stack what it holds, what changes (like a
 * plan: added, updated in place, REPLACED with the forcing argument, removed, with old -> new
 * values), what changes in later stacks through its outputs, and what it costs a month.
 * Throws, before anything is written, when a stack holding resources stops being produced or
 * when something protected would be replaced or removed without confirmation. `publicValues`:
 * the public keys the app declared (stacks/synthesize.ts), shown in the review, never masked.
 */
export function reviewSynthesis(outdir: string, stacks: readonly SynthesizedStack[], options: ReviewOptions = {}, publicValues: readonly string[] = []): string {
  const notices = guardRetiredStacks(
    outdir,
    stacks.map((stack) => stack.name),
    options.forget ?? [],
  );
  const reviewed: ReviewedStack[] = stacks.map((stack) => ({ name: stack.name, json: stack.json, plan: planStack(stack.name, stack.previous, stack.json) }));
  notices.push(...guardReplacements(reviewed.map((stack) => stack.plan), options));
  const costs: { next: StackCost; previous: StackCost | undefined }[] = [];
  const blocks = stacks.map((stack, index) => {
    const own = reviewed[index]!;
    // The OVH servers are the hosts stack's: it renders their user data and keeps their mesh in sync.
    const hostsStack = stack.name.startsWith("hosts-");
    const cost = { next: stackCost(stack.json, options, hostsStack), previous: stack.previous === undefined ? undefined : stackCost(stack.previous, options, hostsStack) };
    costs.push(cost);
    return [renderStackSummary(stack.name, stack.json, stack.dependsOn), ...renderPlan(own.plan, crossStackEffects(own, reviewed), publicValues), ...renderCost(cost.next, cost.previous)].join("\n");
  });
  return [...blocks, renderTotalCost(costs), ...notices.map((notice) => `note: ${notice}`)].join("\n");
}

/** A short block per stack: resources by type, outputs, variables to set. */
export function renderStackSummary(name: string, stack: TerraformJson, dependsOn: readonly string[]): string {
  const counts = resourceCountsByType(stack);
  const total = counts.reduce((sum, [, count]) => sum + count, 0);
  const variables = Object.entries(stack.variable ?? {}).map(([variable, body]) => (body.sensitive === true ? `TF_VAR_${variable} (secret)` : variable));
  return [
    `${name}${dependsOn.length === 0 ? "" : ` (after ${dependsOn.join(", ")})`}: ${total} resources`,
    ...counts.map(([type, count]) => `  ${String(count).padStart(3)}  ${type}`),
    `  outputs:   ${userOutputs(stack).map(([output, body]) => (body.sensitive === true ? `${output} (sensitive)` : output)).join(", ") || "-"}`,
    `  variables: ${variables.join(", ") || "-"}`,
  ].join("\n");
}
