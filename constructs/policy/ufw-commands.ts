import { ALL_PORTS, parseUfwPorts, type PortRange } from "./port-ranges";

export type UfwCommand =
  | { readonly kind: "enable"; readonly text: string }
  | { readonly kind: "default"; readonly text: string; readonly action: string; readonly direction: string }
  | {
      readonly kind: "allow";
      readonly text: string;
      readonly protocol: "tcp" | "udp" | "any";
      readonly ports: readonly PortRange[];
      /** Source CIDRs; `any` becomes 0.0.0.0/0 and ::/0. */
      readonly sources: readonly string[];
      /** Interface the rule is bound to (`allow in on wg0 ...`), if any. */
      readonly interface?: string;
    };

const WORLD = ["0.0.0.0/0", "::/0"];

/** Application profiles and service names UFW resolves to ports. Unknown names count as all ports. */
const NAMED_PORTS: Record<string, readonly PortRange[]> = {
  openssh: [[22, 22]],
  ssh: [[22, 22]],
  http: [[80, 80]],
  https: [[443, 443]],
  "www full": [[80, 80], [443, 443]],
  "nginx full": [[80, 80], [443, 443]],
  "nginx http": [[80, 80]],
  "nginx https": [[443, 443]],
  postgresql: [[5432, 5432]],
  postgres: [[5432, 5432]],
  redis: [[6379, 6379]],
  wireguard: [[51820, 51820]],
};

/**
 * Finds the `ufw ...` commands in shell text (runcmd entries, scripts), in order. Handles
 * `sudo`, full paths and commands chained with `&&`, `||` or `;`.
 */
export function ufwCommandsIn(shell: string): UfwCommand[] {
  const commands: UfwCommand[] = [];
  for (const line of shell.split("\n")) {
    for (const segment of line.replace(/\s#.*$/, "").split(/&&|\|\||;/)) {
      const words = tokenize(segment);
      const start = words.findIndex((word) => word === "ufw" || word.endsWith("/ufw"));
      if (start < 0 || words.slice(0, start).some((word) => !["sudo", "-n", "env", "command"].includes(word) && !word.includes("="))) continue;
      const parsed = parseUfw(words.slice(start + 1), segment.trim());
      if (parsed !== undefined) commands.push(parsed);
    }
  }
  return commands;
}

function tokenize(text: string): string[] {
  return [...text.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((match) => match[1] ?? match[2] ?? match[3] ?? "");
}

function parseUfw(args: string[], text: string): UfwCommand | undefined {
  const words = args.filter((word) => word !== "--force" && word !== "-f" && word !== "--dry-run");
  const [verb, ...rest] = words;
  if (verb === "enable") return { kind: "enable", text };
  if (verb === "default") return { kind: "default", text, action: rest[0] ?? "", direction: rest[1] ?? "incoming" };
  let ruleWords = words;
  if (ruleWords[0] === "insert") ruleWords = ruleWords.slice(2);
  if (ruleWords[0] === "prepend") ruleWords = ruleWords.slice(1);
  if (ruleWords[0] === "route") ruleWords = ruleWords.slice(1); // forwarded traffic (Docker) is inbound exposure too
  const [action, ...spec] = ruleWords;
  if (action !== "allow" && action !== "limit") return undefined;
  return parseAllow(spec, text);
}

function parseAllow(spec: string[], text: string): UfwCommand | undefined {
  const commentAt = spec.indexOf("comment");
  const words = commentAt >= 0 ? spec.slice(0, commentAt) : spec;
  if (words[0] === "out") return undefined;
  const full = words.some((word) => ["from", "to", "proto", "on", "in", "port", "app"].includes(word));
  if (!full) {
    const [target = ""] = words;
    const [portText, proto] = target.split("/");
    const ports = /^[\d,:]+$/.test(portText ?? "") ? parseUfwPorts(portText ?? "") : (NAMED_PORTS[target.toLowerCase()] ?? ALL_PORTS);
    return { kind: "allow", text, protocol: protocolOf(proto), ports, sources: WORLD };
  }
  const after = (key: string): string | undefined => {
    const index = words.indexOf(key);
    return index >= 0 ? words[index + 1] : undefined;
  };
  const fromIndex = words.indexOf("from");
  const toIndex = words.indexOf("to");
  const source = fromIndex >= 0 ? words[fromIndex + 1] : "any";
  const destinationPort = toIndex >= 0 && words[toIndex + 2] === "port" ? words[toIndex + 3] : fromIndex < 0 ? after("port") : undefined;
  const app = after("app");
  const ports = destinationPort !== undefined ? parseUfwPorts(destinationPort) : app !== undefined ? (NAMED_PORTS[app.toLowerCase()] ?? ALL_PORTS) : ALL_PORTS;
  const iface = after("on");
  return {
    kind: "allow",
    text,
    protocol: protocolOf(after("proto")),
    ports,
    sources: source === undefined || source === "any" ? WORLD : [source],
    ...(iface === undefined ? {} : { interface: iface }),
  };
}

function protocolOf(text: string | undefined): "tcp" | "udp" | "any" {
  return text === "tcp" || text === "udp" ? text : "any";
}
