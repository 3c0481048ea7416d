import type { PolicyId } from "../constructs/policy/catalog";
import type { AccessProtection } from "./cloudflare-access";
import type { AdoptConfig } from "./adopt-schema";
import type { DropletRegion, SupportedImage } from "./digitalocean-catalog";

export type HostOs = "debian-12" | "ubuntu-24.04";
export type IntrusionPrevention = "fail2ban" | "crowdsec" | "none";

export type Environment = "dev" | "staging" | "production";

/** The validated configuration every stack is built from. All values are synth-time constants. */
export interface Config {
  readonly projectName: string;
  readonly environment: Environment;
  readonly region: DropletRegion;
  readonly vpcCidr: string;
  readonly dropletSize: string;
  readonly dropletImage: SupportedImage;
  /** OpenSSH public key of the deploy user (and of the droplet's DigitalOcean SSH key). */
  readonly sshPublicKey: string;
  /** Older keys of the deploy user, still authorized while a rotation is confirmed. @default [] */
  readonly retiredSshPublicKeys?: readonly string[];
  readonly sshKeyName: string;
  /** DigitalOcean refuses a public key already in the account: reuse it by name instead. */
  readonly useExistingSshKey: boolean;
  readonly enableMonitoring: boolean;
  readonly enableBackups: boolean;
  readonly enableIpv6: boolean;
  readonly allowedSshIps: readonly string[];
  readonly doProjectId?: string;
  readonly domainName?: string;
  readonly manageDomain: boolean;
  readonly createSpaces: boolean;
  readonly spacesRegion: string;
  readonly deployUser: string;
  /** Tag key -> value, as written; rendered as lowercase `key:value` DigitalOcean tags. */
  readonly commonTags: Readonly<Record<string, string>>;
  /** Where every stack keeps its state: relative local files, or the Spaces state bucket. */
  readonly stateBackend: "local" | "spaces";
  /** SSH from 0.0.0.0/0 or ::/0 is accepted (with a warning on every synth) only when true. */
  readonly allowSshFromAnywhere: boolean;
  /** Ports reachable only from the VPC and mesh, in addition to 5432, 6379, 3000 and 4000. */
  readonly internalPorts: readonly number[];
  /** Per-resource exceptions to guard-rail policies, each with its written reason. */
  readonly policyWaivers: readonly ConfigPolicyWaiver[];
  /** Addresses that may be replaced or removed on purpose, each with its written reason. */
  readonly allowReplace: Readonly<Record<string, string>>;
  /** Monthly prices in US dollars by droplet size, over the repository's price table. */
  readonly prices: Readonly<Record<string, number>>;
  /** Servers by name: existing OVH hosts and (at most one) description of the main stack's droplet. */
  readonly hosts: readonly HostConfig[];
  /** The WireGuard mesh joining hosts that have a mesh address. @default - no mesh */
  readonly mesh?: MeshConfig;
  /** The Cloudflare edge: zones, proxied records, an optional tunnel. @default - no edge stack */
  readonly cloudflare?: CloudflareConfig;
  /** Existing objects the stacks import instead of creating (config/adopt-schema.ts). @default - nothing adopted */
  readonly adopt?: AdoptConfig;
}

/** One UFW allow rule of an OVH host, besides SSH and WireGuard which are implicit. */
export interface HostUfwRule {
  readonly port: number;
  readonly protocol: "tcp" | "udp";
  /** @default - any address */
  readonly from?: readonly string[];
  readonly comment: string;
}

export interface HostConfig {
  readonly name: string;
  /** "ovh": an existing server bootstrapped from rendered user data; "digitalocean": the main stack's droplet. */
  readonly provider: "ovh" | "digitalocean";
  readonly role: string;
  readonly os: HostOs;
  /** OVH only; the droplet's address is a cross-stack reference. */
  readonly publicIpv4?: string;
  readonly publicIpv6?: string;
  /** OVH only (the droplet's rules follow its DigitalOcean firewalls). */
  readonly ufwAllow: readonly HostUfwRule[];
  readonly intrusionPrevention: IntrusionPrevention;
  /** The host's public SSH host key, pinned by every connection to it. @default - unknown: no connection */
  readonly sshHostKey?: string;
  /** Mesh membership; the public key is unknown until the host's first boot. */
  readonly mesh?: { readonly address: string; readonly publicKey?: string };
  /** OVH only: the monthly price in euros, for the cost review. @default - unknown */
  readonly monthlyPriceEur?: number;
}

export interface MeshConfig {
  readonly cidr: string;
  readonly port: number;
  readonly mtu: number;
  readonly keepalive: number;
}

export interface CloudflareRecordConfig {
  /** Full name, e.g. blog.example.org. */
  readonly name: string;
  /** The zone the name belongs to (the longest matching zone). */
  readonly zone: string;
  readonly target: { readonly kind: "host"; readonly host: string } | { readonly kind: "cname"; readonly name: string };
  readonly proxied: boolean;
}

export interface CloudflareConfig {
  readonly accountId?: string;
  /** Zones by name, each with its id or to be looked up by name. */
  readonly zones: readonly { readonly name: string; readonly id?: string }[];
  readonly records: readonly CloudflareRecordConfig[];
  readonly tunnel?: {
    readonly host: string;
    /** `access`: who Cloudflare Access lets through to the hostname. @default - open to everyone (web services only) */
    readonly ingress: readonly { readonly hostname: string; readonly zone: string; readonly service: string; readonly access?: AccessProtection }[];
  };
}

/** One `policy_waivers` entry. */
export interface ConfigPolicyWaiver {
  readonly policy: PolicyId;
  /** Construct path (as shown in policy reports) or Terraform address. */
  readonly resource: string;
  readonly reason: string;
}
