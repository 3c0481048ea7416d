import { TerraformOutput, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import type { CloudflareConfig, CloudflareRecordConfig, Config } from "../config/config";
import { CloudflareRecords, type AddressTarget, type CloudflareRecordSpec } from "../constructs/cloudflare-records";
import { CloudflareTunnel } from "../constructs/cloudflare-tunnel";
import { namePrefix } from "../constructs/naming";
import { PropsError } from "../constructs/validation";
import { addImports, adoptionNotesOf } from "./adoption";
import { useStateBackend } from "./backend";
import { addCloudflareProvider } from "./cloudflare-provider";
import type { DescribedStack } from "./synthesize";

/** The droplet's public addresses, as cross-stack references into the main stack. */
export interface DropletAddresses {
  readonly ipv4Address: string;
  /** Only when the droplet has IPv6 (enable_ipv6). @default - no AAAA records for the droplet */
  readonly ipv6Address?: string;
}

export interface EdgeStackProps {
  readonly config: Config;
  /** Needed when a record targets the `digitalocean` host. @default - no record may target the droplet */
  readonly droplet?: DropletAddresses;
}

/** True when a Cloudflare record points at the main stack's droplet (the edge stack then depends on main). */
export function edgeUsesDroplet(config: Config): boolean {
  const droplet = config.hosts.find((host) => host.provider === "digitalocean")?.name;
  return droplet !== undefined && (config.cloudflare?.records ?? []).some((record) => record.target.kind === "host" && record.target.host === droplet);
}

/** The public names on Cloudflare (the Cloudflare-fronted site, the OVH servers, the API): proxied records and an optional tunnel. */
export class EdgeStack extends TerraformStack implements DescribedStack {
  readonly summary =
    "The Cloudflare edge of the public names: proxied A/AAAA/CNAME records for the public names (to the droplet through a cross-stack reference, or to the OVH hosts' addresses) and, when configured, a remotely managed Cloudflare Tunnel with its ingress rules, 404 catch-all and CNAMEs, and a Cloudflare Access application and policy in front of each tunnel hostname that names who may pass (required for SSH, raw TCP, RDP and internal ports). The tunnel's connector token is never output: ops install it on the host (see the project README).";
  readonly records: CloudflareRecords;
  readonly tunnel?: CloudflareTunnel;
  readonly applyNotes: readonly string[];

  constructor(scope: Construct, id: string, props: EdgeStackProps) {
    super(scope, id);
    const { config } = props;
    const cloudflare = config.cloudflare;
    if (cloudflare === undefined) throw new PropsError(this.node.path, "config.cloudflare", undefined, "expected Cloudflare settings (build the edge stack only when cloudflare is set)");
    useStateBackend(this, config);
    addCloudflareProvider(this);

    this.records = new CloudflareRecords(this, "records", {
      zones: cloudflare.zones,
      records: cloudflare.records.map((record) => recordSpec(this.node.path, config, record, props.droplet)),
    });
    if (cloudflare.tunnel !== undefined) this.tunnel = this.addTunnel(config, cloudflare, cloudflare.tunnel);
    this.applyNotes = [
      `The API token needs Zone / DNS / Edit on the zones, Zone / Zone / Read, and for a tunnel Account / Cloudflare Tunnel / Edit${(cloudflare.tunnel?.ingress ?? []).some((rule) => rule.access !== undefined) ? " and Account / Access: Apps and Policies / Edit" : ""}.`,
      ...(cloudflare.tunnel === undefined
        ? []
        : [
            `After apply, install the tunnel's connector token on \`${cloudflare.tunnel.host}\` as \`/etc/cloudflared/tunnel.env\` (\`TUNNEL_TOKEN=...\`, root, 0600): \`cloudflared tunnel token <tunnel_id>\` prints it. It is never in Terraform's files or state outputs (project README, "Cloudflare Tunnel").`,
          ]),
      ...adoptionNotesOf(config, "edge"),
    ];
    addImports(this, "edge", config);

    const hostnames = [...cloudflare.records.map((record) => record.name), ...(cloudflare.tunnel?.ingress.map((rule) => rule.hostname) ?? [])].sort();
    new TerraformOutput(this, "hostnames", { value: hostnames, description: "Every public name this stack manages on Cloudflare" });
    new TerraformOutput(this, "dns_records", {
      value: this.records.entries.map((entry) => ({ name: entry.name, type: entry.type, content: entry.content, proxied: entry.proxied })),
      description: "The DNS records (the droplet's addresses are known after the main stack is applied)",
    });
    if (this.tunnel !== undefined) {
      new TerraformOutput(this, "tunnel_id", { value: this.tunnel.tunnel.id, description: "Cloudflare Tunnel id: `cloudflared tunnel token <id>` prints its connector token (never output here)" });
      new TerraformOutput(this, "tunnel_name", { value: this.tunnel.tunnel.name, description: "The tunnel as named in the Zero Trust dashboard (Networks > Tunnels)" });
      new TerraformOutput(this, "tunnel_cname_target", { value: this.tunnel.cnameTarget, description: "What every tunnel hostname is a proxied CNAME to" });
    }
  }

  private addTunnel(config: Config, cloudflare: CloudflareConfig, tunnel: NonNullable<CloudflareConfig["tunnel"]>): CloudflareTunnel {
    if (cloudflare.accountId === undefined) throw new PropsError(this.node.path, "config.cloudflare.accountId", undefined, "expected the account id a tunnel belongs to");
    return new CloudflareTunnel(this, "tunnel", {
      accountId: cloudflare.accountId,
      name: `${namePrefix(config.projectName, config.environment)}-${tunnel.host}`,
      ingress: tunnel.ingress.map((rule) => ({
        hostname: rule.hostname,
        service: rule.service,
        zoneId: this.records.zoneIds.get(rule.zone) as string,
        ...(rule.access === undefined ? {} : { access: rule.access }),
      })),
    });
  }
}

function recordSpec(path: string, config: Config, record: CloudflareRecordConfig, droplet: DropletAddresses | undefined): CloudflareRecordSpec {
  const common = { name: record.name, zone: record.zone, proxied: record.proxied };
  if (record.target.kind === "cname") return { ...common, target: { kind: "cname", name: record.target.name } };
  return { ...common, target: hostAddresses(path, config, record.target.host, droplet) };
}

function hostAddresses(path: string, config: Config, hostName: string, droplet: DropletAddresses | undefined): AddressTarget {
  const host = config.hosts.find((candidate) => candidate.name === hostName);
  if (host === undefined) throw new PropsError(path, "config.cloudflare.records[].host", hostName, "expected the name of an entry in hosts");
  if (host.provider === "digitalocean") {
    if (droplet === undefined) throw new PropsError(path, "droplet", undefined, `expected the droplet's addresses: a record targets the digitalocean host ${hostName}`);
    return { kind: "addresses", ipv4: droplet.ipv4Address, ...(config.enableIpv6 && droplet.ipv6Address !== undefined ? { ipv6: droplet.ipv6Address } : {}) };
  }
  if (host.publicIpv4 === undefined) throw new PropsError(path, `config.hosts.${hostName}.publicIpv4`, undefined, "expected the OVH host's public IPv4 address");
  return { kind: "addresses", ipv4: host.publicIpv4, ...(host.publicIpv6 === undefined ? {} : { ipv6: host.publicIpv6 }) };
}
