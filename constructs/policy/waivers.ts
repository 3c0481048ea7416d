import type { IConstruct } from "constructs";
import { POLICIES, type PolicyId } from "./catalog";
import type { Finding, PolicyWaiver } from "./types";

const WAIVER_METADATA = "sovereign:policy-waiver";
export const MIN_REASON_LENGTH = 12;

/**
 * Construct-level waiver: `waivePolicy(droplet, "CMP-002", "batch worker, monitored by ...")`
 * exempts every resource at or below that construct from one policy. The reason is mandatory
 * and printed on every synth.
 */
export function waivePolicy(scope: IConstruct, policy: PolicyId, reason: string): void {
  if (!(policy in POLICIES)) throw new Error(`waivePolicy: unknown policy ${JSON.stringify(policy)}`);
  if (reason.trim().length < MIN_REASON_LENGTH) {
    throw new Error(`waivePolicy(${scope.node.path}, ${policy}): expected a written reason of at least ${MIN_REASON_LENGTH} characters`);
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

/** A waiver covers a finding of its policy on the resource it names (or, for construct waivers, below it). */
export function waiverFor(finding: Finding, waivers: readonly PolicyWaiver[]): PolicyWaiver | undefined {
  return waivers.find(
    (waiver) =>
      waiver.policy === finding.policy &&
      (waiver.resource === finding.address ||
        waiver.resource === finding.constructPath ||
        finding.constructPath.startsWith(`${waiver.resource}/`)),
  );
}
