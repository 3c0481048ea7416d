import { App, Aspects, TerraformStack, type IAspect } from "cdktf";
import type { IConstruct } from "constructs";
import { failed, formatNotices, PolicyError, type PolicyOutcome } from "./report";
import { ALL_POLICIES } from "./policies";
import { blocksOfStack } from "./synthesized-blocks";
import type { Policy, PolicyContext, SynthesizedBlock } from "./types";
import { ambiguousAddressesOf, constructWaivers, unusedWaiverReason, waiverFor } from "./waivers";

export interface PolicyOptions {
  /** Receives each warning and waiver notice of a passing synth. @default write to stderr */
  readonly notify?: (line: string) => void;
  /** @default ALL_POLICIES */
  readonly policies?: readonly Policy[];
}

/** Runs every policy over the synthesized JSON of all stacks of an app. */
export function evaluatePolicies(blocks: readonly SynthesizedBlock[], context: PolicyContext, policies: readonly Policy[] = ALL_POLICIES): PolicyOutcome {
  const findings = policies.flatMap((policy) => policy.check(blocks, context));
  const ambiguous = ambiguousAddressesOf(blocks);
  const waived = findings.flatMap((finding) => {
    const waiver = waiverFor(finding, context.waivers, ambiguous);
    return waiver === undefined ? [] : [{ finding, waiver }];
  });
  const isWaived = new Set(waived.map(({ finding }) => finding));
  return {
    errors: findings.filter((finding) => finding.severity === "error" && !isWaived.has(finding)),
    warnings: findings.filter((finding) => finding.severity === "warning" && !isWaived.has(finding)),
    waived,
    unusedWaivers: context.waivers
      .filter((waiver) => !waived.some((entry) => entry.waiver === waiver))
      .map((waiver) => ({ ...waiver, why: unusedWaiverReason(waiver, context.waivers, blocks, ambiguous) })),
  };
}

/**
 * The guard-rail Aspect. CDKTF invokes aspects stack by stack, just before writing each one;
 * the first invocation checks every stack of the app (all are prepared by then, so
 * cross-stack references are resolved) and throws PolicyError with one report for the whole
 * app. Policies read `stack.toTerraform()`, and each stack then writes that very JSON to
 * cdk.tf.json (`checkedJson`): what was checked is what is written, resolved once, not twice.
 */
class PolicyAspect implements IAspect {
  private outcome: PolicyOutcome | undefined;

  constructor(
    private readonly context: PolicyContext,
    private readonly options: PolicyOptions,
  ) {}

  visit(node: IConstruct): void {
    if (!TerraformStack.isStack(node)) return;
    if (this.outcome === undefined) {
      const app = App.of(node);
      const stacks = app.node.findAll().filter(TerraformStack.isStack);
      const blocks = stacks.flatMap((stack) => {
        const json = stack.toTerraform() as Record<string, unknown>;
        checkedJson.set(stack, json);
        return blocksOfStack(stack.node.id, json);
      });
      const context = { ...this.context, waivers: [...this.context.waivers, ...constructWaivers(stacks)] };
      this.outcome = evaluatePolicies(blocks, context, this.options.policies);
      if (!failed(this.outcome)) {
        const notify = this.options.notify ?? ((line: string) => process.stderr.write(`${line}\n`));
        formatNotices(this.outcome).forEach((line) => notify(line));
      }
    }
    if (failed(this.outcome)) throw new PolicyError(this.outcome);
  }
}

/**
 * The JSON the policies checked, by stack, until the stack's next `toTerraform()`: CDKTF calls it
 * right after the aspects to write cdk.tf.json, and nothing changes the tree in between.
 */
const checkedJson = new WeakMap<TerraformStack, unknown>();
/** What each stack's last `toTerraform()` returned, until `takeHandedOverJson` takes it. */
const handedOverJson = new WeakMap<TerraformStack, unknown>();

/**
 * What the stack's last `toTerraform()` returned (after the synth, the JSON CDKTF wrote as
 * cdk.tf.json when it writes JSON), once: it is released here.
 */
export function takeHandedOverJson(stack: TerraformStack): unknown {
  const json = handedOverJson.get(stack);
  handedOverJson.delete(stack);
  return json;
}

/** Adds the policy Aspect to every stack of the app (call after all stacks exist). */
export function applyPolicies(app: App, context: PolicyContext, options: PolicyOptions = {}): void {
  const aspect = new PolicyAspect(context, options);
  for (const stack of app.node.findAll().filter(TerraformStack.isStack)) {
    Aspects.of(stack).add(aspect);
    const toTerraform = stack.toTerraform.bind(stack);
    stack.toTerraform = () => {
      const checked = checkedJson.get(stack);
      checkedJson.delete(stack);
      const json = checked ?? toTerraform();
      handedOverJson.set(stack, json);
      return json;
    };
  }
}
