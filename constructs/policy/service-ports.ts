import { hostsIn } from "./hosts";
import type { PolicyContext, SynthesizedBlock } from "./types";

function writtenFiles(blocks: readonly SynthesizedBlock[]): { path: string; content: string }[] {
  return hostsIn(blocks).flatMap((host) =>
    (Array.isArray(host.cloudConfig?.write_files) ? (host.cloudConfig.write_files as Record<string, unknown>[]) : []).map((file) => ({
      path: String(file?.path ?? ""),
      content: String(file?.content ?? ""),
    })),
  );
}

function portsMatching(files: readonly { path: string; content: string }[], path: RegExp, setting: RegExp): number[] {
  return files
    .filter((file) => path.test(file.path))
    .flatMap((file) => [...file.content.matchAll(setting)].map((match) => Number(match[1])))
    .filter((port) => Number.isInteger(port) && port >= 1 && port <= 65535);
}

/** 22, the context's SSH ports, and every `Port N` a host writes into its sshd configuration. */
export function sshPortsOf(blocks: readonly SynthesizedBlock[], context: PolicyContext): number[] {
  const configured = portsMatching(writtenFiles(blocks), /^\/etc\/ssh\/sshd_config(\.d\/.*)?$/, /^[ \t]*Port[ \t]+([0-9]{1,5})[ \t]*$/gim);
  return [...new Set([22, ...context.sshPorts, ...configured])].sort((a, b) => a - b);
}

/** The mesh port of the context and every `ListenPort = N` a host writes into a WireGuard configuration. */
export function wireguardPortsOf(blocks: readonly SynthesizedBlock[], context: PolicyContext): number[] {
  const configured = portsMatching(writtenFiles(blocks), /^\/etc\/wireguard\/.*\.conf$/, /^[ \t]*ListenPort[ \t]*=[ \t]*([0-9]{1,5})[ \t]*$/gim);
  return [...new Set([...context.wireguardPorts, ...configured])].sort((a, b) => a - b);
}
