import type { PolicyId } from "../constructs/policy/catalog";
import type { DropletRegion, SupportedImage } from "./digitalocean-catalog";

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
}

/** One `policy_waivers` entry. */
export interface ConfigPolicyWaiver {
  readonly policy: PolicyId;
  /** Construct path (as shown in policy reports) or Terraform address. */
  readonly resource: string;
  readonly reason: string;
}
