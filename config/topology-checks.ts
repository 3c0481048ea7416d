import { GUARDED_PORTS, tunnelServiceProblem } from "./tunnel-service";
import type { z } from "zod";
import { cidrProblem, cidrsOverlap, ipv4ToNumber, isRfc1918, parseCidr } from "./cidr";
import type { RawCloudflare, RawHost, RawMesh } from "./topology-schema";

/**
 * Address ranges a mesh or VPC must not collide with: a route to the mesh through wg0 would
 * hijack (or be hijacked by) a Docker bridge or a K3s network using the same addresses.
 */
export const RESERVED_RANGES: readonly { readonly cidr: string; readonly owner: string }[] = [
  { cidr: "172.17.0.0/16", owner: "Docker's default bridge (docker0)" },
  { cidr: "172.18.0.0/15", owner: "Docker's default address pools (172.17-31.x.x/16)" },
  { cidr: "172.20.0.0/14", owner: "Docker's default address pools (172.17-31.x.x/16)" },
  { cidr: "172.24.0.0/13", owner: "Docker's default address pools (172.17-31.x.x/16)" },
  { cidr: "192.168.0.0/16", owner: "Docker's default address pools (192.168.x.0/20)" },
  { cidr: "10.42.0.0/16", owner: "K3s pod network (its default cluster-cidr)" },
  { cidr: "10.43.0.0/16", owner: "K3s service network (its default service-cidr)" },
];

export interface TopologyInput {
  readonly vpc_cidr: string;
  readonly domain_name?: string | undefined;
  readonly manage_domain: boolean;
  readonly enable_ipv6: boolean;
  readonly hosts: Readonly<Record<string, RawHost>>;
  readonly mesh?: RawMesh | undefined;
  readonly cloudflare?: RawCloudflare | undefined;
  /** Ports only the VPC and the mesh may reach; a tunnel must not publish them without Access. */
  readonly internal_ports: readonly number[];
}

type Context = z.RefinementCtx;
type Path = (string | number)[];

function problem(ctx: Context, path: Path, message: string): void {
  ctx.addIssue({ code: "custom", path, message });
}

/** Every check on hosts, mesh and cloudflare that involves more than one value. */
export function checkTopology(input: TopologyInput, ctx: Context): void {
  checkHosts(input, ctx);
  checkMesh(input, ctx);
  checkRanges(input, ctx);
  if (input.cloudflare !== undefined) checkCloudflare(input, input.cloudflare, ctx);
}

function checkHosts(input: TopologyInput, ctx: Context): void {
  const droplets = Object.keys(input.hosts).filter((name) => input.hosts[name]?.provider === "digitalocean");
  droplets.slice(1).forEach((name) =>
    problem(ctx, ["hosts", name], `is a second "digitalocean" host (${droplets[0]} is the first); the main stack creates one droplet, describe it once`),
  );
  const ipv4Owners = new Map<string, string>();
  for (const [name, host] of Object.entries(input.hosts)) {
    const at = (field: string): Path => ["hosts", name, field];
    if (host.provider === "ovh") {
      if (host.public_ipv4 === undefined) problem(ctx, at("public_ipv4"), "is required for an OVH host: Terraform cannot create it, so its address comes from the config");
    } else {
      const decided: Record<string, string> = {
        os: "comes from droplet_image",
        public_ipv4: "is assigned by DigitalOcean (the main stack reads it)",
        public_ipv6: "is assigned by DigitalOcean (enable_ipv6)",
        ufw_allow: "follows the droplet's DigitalOcean firewalls (see README, Firewall rules)",
      };
      for (const [field, why] of Object.entries(decided)) {
        if ((host as Record<string, unknown>)[field] !== undefined) problem(ctx, at(field), `must not be set on a "digitalocean" host: it ${why}`);
      }
    }
    if (host.public_ipv4 !== undefined) {
      const other = ipv4Owners.get(host.public_ipv4);
      if (other !== undefined) problem(ctx, at("public_ipv4"), `is also the address of hosts.${other}; each host has its own`);
      ipv4Owners.set(host.public_ipv4, name);
    }
    const seen = new Set<string>();
    (host.ufw_allow ?? []).forEach((rule, index) => {
      const rulePath = ["hosts", name, "ufw_allow", index, "port"];
      if (rule.protocol === "tcp" && rule.port === 22) {
        problem(ctx, rulePath, "is SSH, which every host opens to allowed_ssh_ips only; remove this rule");
      }
      if (rule.protocol === "udp" && rule.port === (input.mesh?.port ?? 51820) && host.mesh_address !== undefined) {
        problem(ctx, rulePath, "is the WireGuard port, which the mesh opens to its peers only; remove this rule");
      }
      const key = `${rule.protocol}/${rule.port}`;
      if (seen.has(key)) problem(ctx, rulePath, `repeats ${key}; list a port once with all its sources in from`);
      seen.add(key);
    });
    if (host.wireguard_public_key !== undefined && host.mesh_address === undefined) {
      problem(ctx, at("wireguard_public_key"), "is set but the host has no mesh_address; set both, or neither");
    }
  }
}

function checkMesh(input: TopologyInput, ctx: Context): void {
  const members = Object.entries(input.hosts).filter(([, host]) => host.mesh_address !== undefined);
  const mesh = input.mesh;
  if (mesh === undefined) {
    members.forEach(([name]) => problem(ctx, ["hosts", name, "mesh_address"], "needs the mesh setting (mesh = { cidr = ... })"));
    return;
  }
  if (cidrProblem(mesh.cidr) !== undefined) return;
  const cidrIssue = meshCidrProblem(mesh.cidr);
  if (cidrIssue !== undefined) {
    problem(ctx, ["mesh", "cidr"], cidrIssue);
    return;
  }
  const block = parseCidr(mesh.cidr);
  const size = 2 ** (32 - block.prefix);
  const addresses = new Map<string, string>();
  const keys = new Map<string, string>();
  for (const [name, host] of members) {
    const address = host.mesh_address as string;
    const path = ["hosts", name, "mesh_address"];
    if (!cidrsOverlap(mesh.cidr, `${address}/32`)) {
      problem(ctx, path, `is outside the mesh (${mesh.cidr})`);
    } else {
      const offset = ipv4ToNumber(address) - ipv4ToNumber(block.address.toString());
      if (offset === 0 || offset === size - 1) problem(ctx, path, `is the ${offset === 0 ? "network" : "broadcast"} address of ${mesh.cidr}; pick a host address`);
    }
    const other = addresses.get(address);
    if (other !== undefined) problem(ctx, path, `is also hosts.${other}'s mesh address; each member needs its own`);
    addresses.set(address, name);
    if (host.wireguard_public_key !== undefined) {
      const keyOwner = keys.get(host.wireguard_public_key);
      if (keyOwner !== undefined) problem(ctx, ["hosts", name, "wireguard_public_key"], `is also hosts.${keyOwner}'s key; every host generates its own`);
      keys.set(host.wireguard_public_key, name);
    }
  }
}

function checkRanges(input: TopologyInput, ctx: Context): void {
  const ours: { cidr: string; path: Path; owner: string }[] = [];
  // A VPC the schema already refused (public, too large) gets no second report here.
  const vpc = cidrProblem(input.vpc_cidr) === undefined ? parseCidr(input.vpc_cidr) : undefined;
  if (vpc !== undefined && isRfc1918(input.vpc_cidr) && vpc.prefix >= 16 && vpc.prefix <= 28) ours.push({ cidr: input.vpc_cidr, path: ["vpc_cidr"], owner: "vpc_cidr" });
  if (input.mesh !== undefined && meshCidrProblem(input.mesh.cidr) === undefined) ours.push({ cidr: input.mesh.cidr, path: ["mesh", "cidr"], owner: "mesh.cidr" });
  ours.forEach((range, index) => {
    for (const earlier of ours.slice(0, index)) {
      if (cidrProblem(earlier.cidr) === undefined && cidrsOverlap(earlier.cidr, range.cidr)) {
        problem(ctx, range.path, `overlaps ${earlier.owner} (${earlier.cidr}); the mesh and the VPC must use separate ranges`);
      }
    }
    const reserved = RESERVED_RANGES.find((candidate) => cidrsOverlap(candidate.cidr, range.cidr));
    if (reserved !== undefined) problem(ctx, range.path, `overlaps ${reserved.cidr}, ${reserved.owner}; pick a range clear of Docker (172.17.0.0/12, 192.168.0.0/16) and K3s (10.42.0.0/15)`);
  });
}

function checkCloudflare(input: TopologyInput, cloudflare: RawCloudflare, ctx: Context): void {
  const zones = Object.keys(cloudflare.zones);
  if (zones.length === 0) problem(ctx, ["cloudflare", "zones"], "expected at least one zone");
  if (input.domain_name !== undefined && input.manage_domain && zones.includes(input.domain_name)) {
    problem(ctx, ["cloudflare", "zones", input.domain_name], "is also domain_name, served by DigitalOcean DNS; a zone has one authoritative DNS: set manage_domain = false or drop the zone here");
  }
  const zoneOf = (name: string) => zones.find((zone) => name === zone || name.endsWith(`.${zone}`));
  const names = new Map<string, string>();
  const claim = (name: string, path: Path, what: string) => {
    if (zoneOf(name) === undefined) problem(ctx, path, `is in none of the zones (${zones.join(", ")})`);
    const other = names.get(name);
    if (other !== undefined) problem(ctx, path, `is already ${other}; a name gets one record (a CNAME cannot share its name)`);
    names.set(name, what);
  };
  cloudflare.records.forEach((record, index) => {
    const path: Path = ["cloudflare", "records", index];
    claim(record.name, [...path, "name"], `cloudflare.records[${index}]`);
    if ((record.host === undefined) === (record.cname === undefined)) {
      problem(ctx, path, "expected exactly one of host (A/AAAA records to a host) or cname");
    }
    if (record.host !== undefined && input.hosts[record.host] === undefined) {
      problem(ctx, [...path, "host"], `is not in hosts (${Object.keys(input.hosts).join(", ") || "none"})`);
    }
    if (record.cname === record.name) problem(ctx, [...path, "cname"], "points at itself");
  });
  const tunnel = cloudflare.tunnel;
  if (tunnel === undefined) return;
  if (cloudflare.account_id === undefined) problem(ctx, ["cloudflare", "account_id"], "is required for a tunnel (tunnels belong to an account)");
  if (input.hosts[tunnel.host] === undefined) {
    problem(ctx, ["cloudflare", "tunnel", "host"], `is not in hosts (${Object.keys(input.hosts).join(", ") || "none"})`);
  }
  tunnel.ingress.forEach((rule, index) => claim(rule.hostname, ["cloudflare", "tunnel", "ingress", index, "hostname"], `cloudflare.tunnel.ingress[${index}]`));
  // The rule's own check knows the built-in guarded ports; the ports this config declares internal are known only here.
  const declared = input.internal_ports.filter((port) => !GUARDED_PORTS.includes(port));
  tunnel.ingress.forEach((rule, index) => {
    if (declared.length === 0 || tunnelServiceProblem(rule.service, rule.access !== undefined) !== undefined) return;
    const problemWithDeclared = tunnelServiceProblem(rule.service, rule.access !== undefined, [...GUARDED_PORTS, ...declared]);
    if (problemWithDeclared !== undefined) problem(ctx, ["cloudflare", "tunnel", "ingress", index, "service"], problemWithDeclared);
  });
}


function meshCidrProblem(cidr: string): string | undefined {
  if (cidrProblem(cidr) !== undefined) return "is not a CIDR block";
  const block = parseCidr(cidr);
  if (block.family !== "ipv4" || !isRfc1918(cidr) || block.prefix < 16 || block.prefix > 29) {
    return "expected a private IPv4 range (RFC 1918) with a prefix from /16 to /29, e.g. 10.8.0.0/24";
  }
  return undefined;
}
