import { TerraformElement } from "cdktf";
import type { IConstruct } from "constructs";
import { POLICIES, type PolicyId } from "./catalog";
import type { Finding, PolicyWaiver, SynthesizedBlock } from "./types";

const WAIVER_METADATA = "sovereign:policy-waiver";
export const MIN_REASON_LENGTH = 12;

/**
 * Construct-level waiver: `waivePolicy(droplet.resource, "CMP-002", "batch worker, monitored by ...")`
 * exempts exactly that one Terraform resource from one policy. The reason is mandatory and
 * printed on every synth. A group of resources (a stack, an L2 construct) cannot be waived:
 * each resource is named on its own, so a new resource never inherits an old exception.
 */
export function waivePolicy(scope: IConstruct, policy: PolicyId, reason: string): void {
  if (!(policy in POLICIES)) throw new Error(`waivePolicy: unknown policy ${JSON.stringify(policy)}`);
  if (reason.trim().length < MIN_REASON_LENGTH) {
    throw new Error(`waivePolicy(${scope.node.path}, ${policy}): expected a written reason of at least ${MIN_REASON_LENGTH} characters`);
  }
  if (!(scope instanceof TerraformElement)) {
    throw new Error(`waivePolicy(${scope.node.path}, ${policy}): expected one Terraform resource (a waiver covers one resource, never a stack or a group of constructs)`);
  }
  scope.node.addMetadata(WAIVER_METADATA, { policy, reason: reason.trim() });
}

/** Waivers declared with waivePolicy anywhere under the given roots. */
export function constructWaivers(roots: readonly IConstruct[]): PolicyWaiver[] {
  return roots.flatMap((root) =>
    root.node.findAll().flatMap((node) =>
      node.node.metadata
        .filter((entry) => entry.type === WAIVER_METADATA)
        .map((entry) => {
          const data = entry.data as { policy: PolicyId; reason: string };
          return { policy: data.policy, resource: node.node.path, reason: data.reason, source: `waivePolicy(${node.node.path})` };
        }),
    ),
  );
}

/**
 * Whether a waiver names this finding's resource exactly: its construct path, its stack-qualified
 * address (`main-production/digitalocean_droplet.app`), or its bare Terraform
 * address when no other stack has a resource at that address. No prefixes, no patterns.
 */
function names(waiver: PolicyWaiver, finding: Finding, ambiguousAddresses: ReadonlySet<string>): boolean {
  if (waiver.resource === finding.constructPath) return true;
  if (waiver.resource === `${finding.stack}/${finding.address}`) return true;
  return waiver.resource === finding.address && !ambiguousAddresses.has(finding.address);
}

/** Terraform addresses that exist in more than one stack: a bare address cannot name one of them. */
export function ambiguousAddressesOf(blocks: readonly SynthesizedBlock[]): Set<string> {
  const stacksByAddress = new Map<string, Set<string>>();
  for (const block of blocks) stacksByAddress.set(block.address, (stacksByAddress.get(block.address) ?? new Set()).add(block.stack));
  return new Set([...stacksByAddress].filter(([, stacks]) => stacks.size > 1).map(([address]) => address));
}

/** The first waiver of the finding's policy that names its resource exactly. */
export function waiverFor(finding: Finding, waivers: readonly PolicyWaiver[], ambiguousAddresses: ReadonlySet<string> = new Set()): PolicyWaiver | undefined {
  return waivers.find((waiver) => waiver.policy === finding.policy && names(waiver, finding, ambiguousAddresses));
}

/** Why a waiver matched nothing, for the report: it names a group, is a duplicate, or names nothing that fails this policy. */
export function unusedWaiverReason(waiver: PolicyWaiver, waivers: readonly PolicyWaiver[], blocks: readonly SynthesizedBlock[], ambiguousAddresses: ReadonlySet<string>): string {
  const earlier = waivers.slice(0, waivers.indexOf(waiver)).find((other) => other.policy === waiver.policy && other.resource === waiver.resource);
  if (earlier !== undefined) return `repeats ${earlier.source}`;
  if (ambiguousAddresses.has(waiver.resource)) {
    return `names a Terraform address that exists in several stacks; write it with its stack (e.g. ${[...new Set(blocks.filter((block) => block.address === waiver.resource).map((block) => `${block.stack}/${block.address}`))].join(", ")})`;
  }
  const below = blocks.filter((block) => block.constructPath.startsWith(`${waiver.resource}/`) || block.stack === waiver.resource);
  if (below.length > 0) return "names a group of resources (a stack or a construct); a waiver names exactly one resource, as shown in policy reports";
  const named = blocks.some((block) => block.constructPath === waiver.resource || block.address === waiver.resource || `${block.stack}/${block.address}` === waiver.resource);
  return named ? `matches no ${waiver.policy} finding (the resource passes that policy)` : "names no resource of any stack";
}
