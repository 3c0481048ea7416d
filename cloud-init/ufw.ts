import { cidrProblem, parseCidr } from "../config/cidr";
import type { FirewallSpec } from "../constructs/firewall-rules";
import type { CloudConfigPart, WriteFile } from "./cloud-config";
import { CloudInitInputError } from "./errors";

/** One UFW allow rule: a port from some sources. Rules are data; commands are derived from them. */
export interface UfwRule {
  readonly protocol: "tcp" | "udp";
  /** A port (22) or an inclusive range ("6000:6010"). */
  readonly port: number | string;
  /** Source CIDR blocks. @default - any address, IPv4 and IPv6 */
  readonly from?: readonly string[];
  /** Only traffic arriving on this interface, e.g. "wg0". @default - every interface */
  readonly interface?: string;
  /** Why the rule exists; kept as the UFW rule comment. Letters, digits, spaces and ._,:()/- only. */
  readonly comment: string;
}

export const UFW_ENABLE = "ufw --force enable";

const AFTER_RULES_BEGIN = "# BEGIN cloud-init: UFW rules for Docker-published ports (README: Docker and UFW)";
const AFTER_RULES_END = "# END cloud-init: UFW rules for Docker-published ports";
const COMMENT = /^[A-Za-z0-9 ._,:()/-]{1,80}$/;
const INTERFACE = /^[a-z][a-z0-9]{0,14}$/;

/** Checks rules; throws CloudInitInputError naming the rule, the field and the value. */
export function validateUfwRules(rules: readonly UfwRule[], builder = "ufwPart"): void {
  rules.forEach((rule, index) => {
    const field = (name: string) => `ufwRules[${index}].${name}`;
    if (rule.protocol !== "tcp" && rule.protocol !== "udp") throw new CloudInitInputError(builder, field("protocol"), rule.protocol, 'expected "tcp" or "udp"');
    if (portRange(rule.port) === undefined) {
      throw new CloudInitInputError(builder, field("port"), rule.port, 'expected a port from 1 to 65535 or a range "low:high"');
    }
    if (rule.from !== undefined) {
      if (rule.from.length === 0) throw new CloudInitInputError(builder, field("from"), rule.from, "expected at least one CIDR block (omit from for any address)");
      for (const source of rule.from) {
        const problem = cidrProblem(source);
        if (problem !== undefined) throw new CloudInitInputError(builder, field("from"), source, problem);
      }
    }
    if (rule.interface !== undefined && !INTERFACE.test(rule.interface)) {
      throw new CloudInitInputError(builder, field("interface"), rule.interface, "expected an interface name such as wg0");
    }
    if (!COMMENT.test(rule.comment)) {
      throw new CloudInitInputError(builder, field("comment"), rule.comment, "expected 1-80 letters, digits, spaces or ._,:()/-");
    }
  });
}

function portRange(port: number | string): [number, number] | undefined {
  const text = String(port);
  const match = /^([0-9]{1,5})(?::([0-9]{1,5}))?$/.exec(text);
  if (match === null) return undefined;
  const low = Number(match[1]);
  const high = match[2] === undefined ? low : Number(match[2]);
  if (low < 1 || high > 65535 || low > high || (match[2] !== undefined && low === high)) return undefined;
  return [low, high];
}

/** Sources of a rule, or undefined for "any address". Whole-internet blocks collapse to any. */
function sourcesOf(rule: UfwRule): readonly string[] | undefined {
  if (rule.from === undefined) return undefined;
  const coversAll = rule.from.includes("0.0.0.0/0") && rule.from.includes("::/0");
  return coversAll ? undefined : rule.from;
}

/** `ufw allow ...` commands for one rule: one per source. */
export function ufwAllowCommands(rule: UfwRule): string[] {
  const sources = sourcesOf(rule) ?? ["any"];
  const on = rule.interface === undefined ? "" : ` in on ${rule.interface}`;
  return sources.map((source) => `ufw allow${on} proto ${rule.protocol} from ${source} to any port ${rule.port} comment '${rule.comment}'`);
}

/**
 * iptables-restore lines for the DOCKER-USER chain, appended to /etc/ufw/after.rules (IPv4) or
 * after6.rules (IPv6). Docker publishes ports with DNAT in PREROUTING, so their traffic goes
 * through FORWARD and never meets UFW's INPUT rules. Docker jumps to DOCKER-USER before its own
 * rules: there, a connection to a published port is let through (RETURN) only when a UFW rule
 * allows that port (matched on the original, pre-DNAT destination port) from that source;
 * replies and containers' own traffic pass; everything else is dropped.
 */
export function dockerUserRules(rules: readonly UfwRule[], family: "ipv4" | "ipv6"): string {
  const allow = rules.flatMap((rule) => {
    const sources = sourcesOf(rule);
    const familySources = sources === undefined ? [undefined] : sources.filter((source) => parseCidr(source).family === family);
    return familySources.map((source) =>
      [
        "-A DOCKER-USER",
        ...(rule.interface === undefined ? [] : [`-i ${rule.interface}`]),
        ...(source === undefined ? [] : [`-s ${source}`]),
        `-p ${rule.protocol} -m conntrack --ctorigdstport ${rule.port} --ctdir ORIGINAL -j RETURN`,
      ].join(" "),
    );
  });
  return [
    AFTER_RULES_BEGIN,
    "*filter",
    ":DOCKER-USER - [0:0]",
    "-A DOCKER-USER -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN",
    "-A DOCKER-USER -i docker0 -j RETURN",
    "-A DOCKER-USER -i br-+ -j RETURN",
    ...allow,
    "-A DOCKER-USER -j DROP",
    "COMMIT",
    AFTER_RULES_END,
    "",
  ].join("\n");
}

/**
 * UFW: default deny in / allow out, the allow rules, the DOCKER-USER rules, and
 * `ufw --force enable` as the very last command, so SSH is allowed before the firewall is on.
 * The after.rules additions are written in the final stage (the ufw package must have
 * installed its own after.rules first) and appended, not replacing the package's file.
 */
export function ufwPart(rules: readonly UfwRule[]): CloudConfigPart {
  validateUfwRules(rules);
  const allowsSsh = rules.some((rule) => {
    const range = portRange(rule.port);
    return rule.protocol === "tcp" && rule.interface === undefined && range !== undefined && range[0] <= 22 && 22 <= range[1];
  });
  if (!allowsSsh) {
    throw new CloudInitInputError("ufwPart", "ufwRules", rules.map((rule) => `${rule.protocol}/${rule.port}`), "expected a rule allowing tcp 22: enabling UFW would lock SSH out");
  }
  const afterRules: WriteFile[] = [
    { path: "/etc/ufw/after.rules", permissions: "0640", append: true, defer: true, content: dockerUserRules(rules, "ipv4") },
    { path: "/etc/ufw/after6.rules", permissions: "0640", append: true, defer: true, content: dockerUserRules(rules, "ipv6") },
  ];
  return {
    packages: ["ufw"],
    write_files: afterRules,
    runcmd: ["ufw default deny incoming", "ufw default allow outgoing", ...rules.flatMap(ufwAllowCommands), UFW_ENABLE],
  };
}

/** The inbound rules of DigitalOcean firewalls as UFW rules, so the host firewall agrees with the cloud one. */
export function ufwRulesFromFirewallSpecs(specs: readonly FirewallSpec[]): UfwRule[] {
  return specs.flatMap((spec) =>
    spec.inbound.flatMap((rule): UfwRule[] => {
      if (rule.protocol === "icmp" || rule.ports === undefined) return [];
      return [{ protocol: rule.protocol, port: rule.ports.replace("-", ":"), from: [...rule.addresses], comment: rule.purpose }];
    }),
  );
}
