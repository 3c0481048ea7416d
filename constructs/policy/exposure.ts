import { describeExposure, publicExposure, WORLD_THRESHOLD_TEXT, type PublicExposure } from "../../config/address-space";
import { finding } from "./finding";
import { ANY_DROPLET, type InboundRule } from "./inbound-rules";
import type { PolicyId } from "./catalog";
import { rangesInclude } from "./port-ranges";
import type { Finding, Severity } from "./types";

/** Everything that can reach one port of one target, judged as one audience. */
export interface PortExposure {
  readonly port: number;
  readonly target: string;
  readonly rules: readonly InboundRule[];
  /** Union of the rules' sources, each once, in first-seen order. */
  readonly sources: readonly string[];
  readonly measure: PublicExposure;
}

/**
 * Groups the rules that reach each port by what they protect (the same droplet behind several
 * cloud firewalls, the same host's UFW, the same tunnel), so that blocks split across rules
 * and firewalls add up, and measures each group against the internet. Cloud firewalls whose
 * droplets cannot be read are added to every droplet's group, and judged together on their own.
 */
export function portExposures(
  rules: readonly InboundRule[],
  ports: readonly number[],
  protocol: "tcp" | "udp",
  trustedNetworks: readonly string[],
): PortExposure[] {
  const exposures: PortExposure[] = [];
  for (const port of ports) {
    const reaching = rules.filter(
      (rule) => !rule.onTrustedInterface && (rule.protocol === protocol || rule.protocol === "any") && rangesInclude(rule.ports, port),
    );
    const byTarget = new Map<string, InboundRule[]>();
    for (const rule of reaching) {
      for (const target of rule.targets) {
        const key = `${rule.layer} ${target}`;
        byTarget.set(key, [...(byTarget.get(key) ?? []), rule]);
      }
    }
    // A cloud firewall whose droplets cannot be read may protect any droplet: it adds up with every one.
    const anyDroplet = byTarget.get(`cloud firewall ${ANY_DROPLET}`) ?? [];
    for (const [key, grouped] of byTarget) {
      if (key.startsWith("cloud firewall ") && key !== `cloud firewall ${ANY_DROPLET}`) byTarget.set(key, [...grouped, ...anyDroplet.filter((rule) => !grouped.includes(rule))]);
    }
    for (const [target, grouped] of byTarget) {
      const sources = [...new Set(grouped.flatMap((rule) => rule.sources))];
      exposures.push({ port, target, rules: grouped, sources, measure: publicExposure(sources, trustedNetworks) });
    }
  }
  return exposures;
}

/**
 * One finding per resource holding a rule of a world-wide exposure: what it opens, together
 * with which other rules, and how much of the internet that is. Duplicates (a firewall attached
 * to two droplets) are reported once.
 */
export function worldFindings(policy: PolicyId, exposure: PortExposure, service: string, severity: Severity, suffix = ""): Finding[] {
  const blocks = [...new Map(exposure.rules.map((rule) => [`${rule.block.stack}/${rule.block.address}`, rule.block])).values()];
  return blocks.map((block) => {
    const own = exposure.rules.filter((rule) => rule.block === block).map((rule) => rule.origin);
    const others = exposure.rules.filter((rule) => rule.block !== block).map((rule) => `${rule.block.address} ${rule.origin}`);
    const opened = `${own.join(", ")}${others.length === 0 ? "" : ` (with ${others.join(", ")})`} ${own.length + others.length === 1 ? "opens" : "open"} ${service} to ${listSources(exposure.sources)}`;
    return finding(policy, block, `${opened}, the whole internet (${describeExposure(exposure.measure)}; the limit is ${WORLD_THRESHOLD_TEXT})${suffix}`, severity);
  });
}

function listSources(sources: readonly string[]): string {
  const shown = sources.slice(0, 6).join(", ");
  return sources.length > 6 ? `${shown} and ${sources.length - 6} more` : shown;
}

/** Deduplicates findings that several exposures produced for the same resource and problem. */
export function uniqueFindings(findings: readonly Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((item) => {
    const key = `${item.policy} ${item.stack} ${item.address} ${item.problem}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
