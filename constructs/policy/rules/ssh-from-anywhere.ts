import { finding } from "../finding";
import { classifySource, inboundRulesOf } from "../inbound-rules";
import { rangesInclude } from "../port-ranges";
import type { Policy } from "../types";

const SSH_PORT = 22;

/** NET-002: SSH from 0.0.0.0/0 or ::/0 is refused, or only warned about with allow_ssh_from_anywhere = true. */
export const sshFromAnywherePolicy: Policy = {
  id: "NET-002",
  check(blocks, context) {
    return inboundRulesOf(blocks).flatMap((rule) => {
      if (rule.protocol === "icmp" || rule.protocol === "udp" || rule.onTrustedInterface || !rangesInclude(rule.ports, SSH_PORT)) return [];
      const world = rule.sources.filter((source) => classifySource(source, []) === "world");
      if (world.length === 0) return [];
      const opened = `${rule.origin} opens SSH (tcp ${SSH_PORT}) to ${world.join(", ")}, the whole internet`;
      return context.allowSshFromAnywhere
        ? [finding("NET-002", rule.block, `${opened} (accepted: allow_ssh_from_anywhere = true)`, "warning")]
        : [finding("NET-002", rule.block, opened)];
    });
  },
};
