import { POLICIES } from "./catalog";
import type { Finding, PolicyWaiver } from "./types";

/** The outcome of one policy run over every stack of an app. */
export interface PolicyOutcome {
  readonly errors: readonly Finding[];
  readonly warnings: readonly Finding[];
  readonly waived: readonly { finding: Finding; waiver: PolicyWaiver }[];
  /** Waivers that matched nothing, with why: stale exceptions hide the next real problem, so they fail too. */
  readonly unusedWaivers: readonly (PolicyWaiver & { readonly why: string })[];
}

/** Raised during synth when a policy fails; nothing is written. */
export class PolicyError extends Error {
  constructor(readonly outcome: PolicyOutcome) {
    super(formatFailure(outcome));
    this.name = "PolicyError";
  }
}

export function failed(outcome: PolicyOutcome): boolean {
  return outcome.errors.length > 0 || outcome.unusedWaivers.length > 0;
}

function where(finding: Finding): string {
  return `${finding.constructPath} (${finding.address})`;
}

export function formatFinding(finding: Finding): string {
  return `${finding.policy} ${where(finding)}: ${finding.problem}\n    fix: ${POLICIES[finding.policy].fix}`;
}

export function formatWaived({ finding, waiver }: { finding: Finding; waiver: PolicyWaiver }): string {
  return `${finding.policy} ${where(finding)}: ${finding.problem}\n    waived by ${waiver.source}: ${JSON.stringify(waiver.reason)}`;
}

function formatUnused(waiver: PolicyWaiver & { readonly why: string }): string {
  return `${waiver.source}: waiver of ${waiver.policy} for ${JSON.stringify(waiver.resource)} matches no finding: it ${waiver.why}\n    fix: remove the waiver, or name the one resource by its construct path as shown in reports (e.g. main-production/droplet/droplet)`;
}

function formatFailure(outcome: PolicyOutcome): string {
  const count = outcome.errors.length + outcome.unusedWaivers.length;
  const lines = [`policy check failed (${count === 1 ? "1 problem" : `${count} problems`}):`];
  for (const finding of outcome.errors) lines.push(`  ${formatFinding(finding)}`);
  for (const waiver of outcome.unusedWaivers) lines.push(`  ${formatUnused(waiver)}`);
  if (outcome.warnings.length > 0) lines.push("warnings:", ...outcome.warnings.map((finding) => `  ${formatFinding(finding)}`));
  if (outcome.waived.length > 0) lines.push("waived:", ...outcome.waived.map((entry) => `  ${formatWaived(entry)}`));
  return lines.join("\n");
}

/** What a passing synth prints on stderr: every warning and every waiver in use, with its reason. */
export function formatNotices(outcome: PolicyOutcome): string[] {
  return [
    ...outcome.warnings.map((finding) => `warning: ${formatFinding(finding)}`),
    ...outcome.waived.map((entry) => `waived: ${formatWaived(entry)}`),
  ];
}
