/**
 * The hand-written Terraform modules' three firewalls as data. A rule is one protocol and port range from (inbound) or
 * to (outbound) a list of addresses; the Firewalls construct turns each into a block.
 */

export type Protocol = "tcp" | "udp" | "icmp";

export interface FirewallRule {
  readonly protocol: Protocol;
  /** Port or range (`"22"`, `"1-65535"`); absent for ICMP. */
  readonly ports?: string;
  /** Sources (inbound) or destinations (outbound), as CIDR blocks. */
  readonly addresses: readonly string[];
  /** Why the rule exists; shown in the README and tests, not sent to DigitalOcean. */
  readonly purpose: string;
}

export interface FirewallSpec {
  /** Name suffix: the firewall is `<prefix>-<suffix>`. */
  readonly suffix: string;
  readonly inbound: readonly FirewallRule[];
  readonly outbound: readonly FirewallRule[];
}

export const INTERNET = ["0.0.0.0/0", "::/0"] as const;
export const ALL_PORTS = "1-65535";

/** Ports that must only ever be reachable from inside the VPC (the application environment, the hardened API host). */
export const INTERNAL_SERVICE_PORTS = [
  { port: 5432, service: "PostgreSQL" },
  { port: 6379, service: "Redis" },
  { port: 3000, service: "Frontend" },
  { port: 4000, service: "Backend" },
] as const;

function everythingTo(addresses: readonly string[], purpose: string): FirewallRule[] {
  return [
    { protocol: "tcp", ports: ALL_PORTS, addresses, purpose },
    { protocol: "udp", ports: ALL_PORTS, addresses, purpose },
    { protocol: "icmp", addresses, purpose },
  ];
}

export interface StandardFirewallInputs {
  readonly vpcCidr: string;
  readonly allowedSshIps: readonly string[];
}

/** `-fw-web`, `-fw-internal`, `-fw-management`, exactly as the hand-written Terraform modules draw them. */
export function standardFirewallSpecs(inputs: StandardFirewallInputs): FirewallSpec[] {
  return [
    {
      suffix: "fw-web",
      inbound: [
        { protocol: "tcp", ports: "80", addresses: INTERNET, purpose: "HTTP from the internet" },
        { protocol: "tcp", ports: "443", addresses: INTERNET, purpose: "HTTPS from the internet" },
      ],
      outbound: everythingTo(INTERNET, "all outbound traffic to the internet"),
    },
    {
      suffix: "fw-internal",
      inbound: INTERNAL_SERVICE_PORTS.map(({ port, service }) => ({
        protocol: "tcp" as const,
        ports: String(port),
        addresses: [inputs.vpcCidr],
        purpose: `${service} from the VPC only`,
      })),
      outbound: everythingTo([inputs.vpcCidr], "all outbound traffic to the VPC"),
    },
    {
      suffix: "fw-management",
      inbound: [{ protocol: "tcp", ports: "22", addresses: inputs.allowedSshIps, purpose: "SSH from allowed_ssh_ips" }],
      outbound: everythingTo(INTERNET, "all outbound traffic to the internet"),
    },
  ];
}
