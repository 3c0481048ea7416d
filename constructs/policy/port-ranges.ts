/** Inclusive port range. */
export type PortRange = readonly [number, number];

export const ALL_PORTS: readonly PortRange[] = [[1, 65535]];

/** `"22"`, `"1-65535"`, `"all"` or absent (DigitalOcean firewall `port_range`). */
export function parseFirewallPortRange(text: unknown): readonly PortRange[] {
  if (text === undefined || text === null || text === "" || text === "all" || text === "0") return ALL_PORTS;
  const match = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(String(text).trim());
  if (match === null) return ALL_PORTS; // unreadable: judge it as the widest possible rule
  const low = Number(match[1]);
  return [[low, Number(match[2] ?? low)]];
}

/** UFW port lists: `22`, `80,443`, `6000:6007`. */
export function parseUfwPorts(text: string): readonly PortRange[] {
  return text.split(",").map((part): PortRange => {
    const [low, high] = part.split(":").map(Number);
    if (low === undefined || !Number.isInteger(low)) return [1, 65535];
    return [low, high !== undefined && Number.isInteger(high) ? high : low];
  });
}

export function rangesInclude(ranges: readonly PortRange[], port: number): boolean {
  return ranges.some(([low, high]) => port >= low && port <= high);
}

export function describeRanges(ranges: readonly PortRange[]): string {
  return ranges.map(([low, high]) => (low === high ? String(low) : `${low}-${high}`)).join(",");
}
