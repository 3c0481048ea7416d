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
}
