import type { PolicyId } from "./catalog";

/** One synthesized Terraform block, as it will be written to cdk.tf.json. */
export interface SynthesizedBlock {
  readonly stack: string;
  /** `resource`, `data`, `provider`, `output`, `variable`, `terraform`, ... */
  readonly section: string;
  /** Resource or data type (`digitalocean_droplet`); the block name for other sections. */
  readonly type: string;
  /** Terraform address, e.g. `digitalocean_droplet.app` (data: `data.<type>.<name>`). */
  readonly address: string;
  /** Construct path, e.g. `main-production/droplet/droplet` (stable: construct ids are a contract). */
  readonly constructPath: string;
  /** Attributes with CDKTF's `//` metadata removed; references appear as `${...}` strings. */
  readonly attributes: Readonly<Record<string, unknown>>;
}

export type Severity = "error" | "warning";

/** One thing a policy found wrong with one block. */
export interface Finding {
  readonly policy: PolicyId;
  readonly severity: Severity;
  readonly stack: string;
  readonly address: string;
  readonly constructPath: string;
  /** What is wrong, in one sentence; never contains a secret value. */
  readonly problem: string;
}

/** A per-resource exception to one policy; the reason is shown in every report. */
export interface PolicyWaiver {
  readonly policy: PolicyId;
  /** Construct path (`main-production/droplet/droplet`) or Terraform address of the resource. */
  readonly resource: string;
  readonly reason: string;
  /** Where the waiver was declared, for reports (`policy_waivers[0]`, or a construct path). */
  readonly source: string;
}

/** What the policies need to know about the deployment beyond the synthesized JSON. */
export interface PolicyContext {
  /** Networks counted as inside (the VPC, the WireGuard mesh). VPC ranges in the stacks are added automatically. */
  readonly trustedNetworks: readonly string[];
  /** Ports that must only be reachable from trusted networks. */
  readonly internalPorts: readonly number[];
  /** SSH ports besides 22 (sshd `Port` lines written by hosts are found on their own). */
  readonly sshPorts: readonly number[];
  /** WireGuard listen ports (the mesh port; `ListenPort` lines written by hosts are found on their own). */
  readonly wireguardPorts: readonly number[];
  /** `allow_ssh_from_anywhere = true`: world-open SSH is a warning instead of an error. */
  readonly allowSshFromAnywhere: boolean;
  /** Bucket names allowed to be public-read (the declared assets bucket). */
  readonly publicBucketNames: readonly string[];
  /** Bucket names that hold Terraform state. */
  readonly stateBucketNames: readonly string[];
  /**
   * Droplets behind a DigitalOcean cloud firewall (which denies inbound by default) pass
   * HOST-001 without UFW unless this is true. Hosts with no cloud firewall always need UFW.
   */
  readonly requireUfwOnFirewalledDroplets: boolean;
  readonly waivers: readonly PolicyWaiver[];
  /**
   * Public key material the config declares (SSH and WireGuard public keys): SEC-001 allows
   * exact copies of these and flags any other key-shaped value. @default none
   */
  readonly publicKeyValues?: readonly string[];
}

/** A policy: reads every synthesized block of the app, returns what it found. */
export interface Policy {
  readonly id: PolicyId;
  check(blocks: readonly SynthesizedBlock[], context: PolicyContext): Finding[];
}
