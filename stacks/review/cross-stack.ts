import { resourcesByAddress, type TerraformJson } from "../terraform-json";
import { localPartsContaining, localRead } from "./locals";
import { changingAttributes, effectOf, KNOWN_AFTER_APPLY, referencesIn, typeOf, type ChangeEffect, type StackPlan } from "./plan";

/** A resource of a later stack that changes because an output of an earlier stack does. */
export interface CrossStackEffect {
  readonly fromStack: string;
  /** The changing resource of `fromStack` the output reads. */
  readonly upstream: string;
  readonly stack: string;
  readonly address: string;
  readonly argument: string;
  readonly effect: ChangeEffect;
}

export interface ReviewedStack {
  readonly name: string;
  readonly json: TerraformJson;
  readonly plan: StackPlan;
}

/**
 * Resources of other stacks that read, through `terraform_remote_state`, an output of `source`
 * whose value follows a resource being replaced, removed or updated (e.g. the droplet's address
 * read by the edge's DNS records and the mesh sync of the hosts stack), directly or through a
 * local value that holds the output (the hosts stack's `local.mesh_peers`).
 */
export function crossStackEffects(source: ReviewedStack, stacks: readonly ReviewedStack[]): CrossStackEffect[] {
  const changingOutputs = new Map<string, string>();
  for (const [output, body] of Object.entries(source.json.output ?? {})) {
    const upstream = referencesIn(body.value).find((reference) => {
      const resource = source.plan.resources.find((candidate) => candidate.address === reference.address);
      if (resource === undefined || resource.action === "create" || resource.action === "no-op") return false;
      if (resource.action === "delete") return true;
      const attributes = changingAttributes(resource.type, resource.changes);
      return attributes === "all" || attributes.has(reference.attribute);
    });
    if (upstream !== undefined) changingOutputs.set(output, upstream.address);
  }
  if (changingOutputs.size === 0) return [];
  const effects: CrossStackEffect[] = [];
  for (const stack of stacks) {
    const reader = Object.keys(stack.json.data?.terraform_remote_state ?? {}).find((name) => name === source.name || name.endsWith(`-${source.name}`));
    if (stack.name === source.name || reader === undefined) continue;
    const read = (output: string) => `data.terraform_remote_state.${reader}.outputs.${output}`;
    const holders = new Map([...changingOutputs.keys()].map((output) => [output, localPartsContaining(stack.json, read(output))]));
    for (const [address, body] of resourcesByAddress(stack.json)) {
      for (const [argument, value] of Object.entries(body)) {
        const text = JSON.stringify(value) ?? "";
        for (const [output, upstream] of changingOutputs) {
          if (!text.includes(read(output)) && localRead(value, holders.get(output) ?? new Map()) === undefined) continue;
          const { effect } = effectOf(typeOf(address), body, argument, value, KNOWN_AFTER_APPLY);
          effects.push({ fromStack: source.name, upstream, stack: stack.name, address, argument, effect });
          break;
        }
      }
    }
  }
  return effects;
}
