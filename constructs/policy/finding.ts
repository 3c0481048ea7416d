import type { PolicyId } from "./catalog";
import type { Finding, Severity, SynthesizedBlock } from "./types";

export function finding(policy: PolicyId, block: SynthesizedBlock, problem: string, severity: Severity = "error"): Finding {
  return { policy, severity, stack: block.stack, address: block.address, constructPath: block.constructPath, problem };
}
