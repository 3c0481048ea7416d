import { basePart, type IntrusionPrevention } from "./base";
import { cloudflaredPart } from "./cloudflared";
import { renderCloudConfig, type CloudConfigPart } from "./cloud-config";
import { deployKeysPart } from "./deploy-keys";
import { dockerPart, type DockerSource } from "./docker";
import { CloudInitInputError } from "./errors";
import { HOST_TARGETS, type HostTarget } from "./targets";
import { UFW_ENABLE, ufwPart, validateUfwRules, type UfwRule } from "./ufw";
import { usersSshPart } from "./users-ssh";
import { wireguardPart, wireguardUfwRules, type WireguardOptions } from "./wireguard";
import { meshMemberPart, type MeshInterface } from "./wireguard-mesh";

export interface HostDockerOptions {
  /** Docker's apt repository (CE + compose plugin) or the distribution's docker.io. @default "docker-ce" */
  readonly source?: DockerSource;
  /** @default "10m" */
  readonly logMaxSize?: string;
  /** @default 3 */
  readonly logMaxFiles?: number;
}

/** Everything that makes a blank Ubuntu 24.04 or Debian 12 host a hardened Docker host. */
export interface HostCloudConfigOptions {
  readonly target: HostTarget;
  /** The only login user: sudo and docker groups, SSH keys only. */
  readonly deployUser: string;
  readonly authorizedKeys: readonly string[];
  /**
   * UFW allow rules (incoming is denied by default). They also govern Docker-published ports.
   * Must allow tcp 22. The WireGuard port is added from `wireguard.peers`, do not list it.
   */
  readonly ufwRules: readonly UfwRule[];
  /** wg0 and its peers, fixed in the user data. @default - no WireGuard */
  readonly wireguard?: WireguardOptions;
  /**
   * wg0 as a mesh member: the interface only; peers (and the UFW rules of the WireGuard port)
   * are pushed later by the hosts stack. Exclusive with `wireguard`. @default - not a member
   */
  readonly mesh?: MeshInterface;
  /**
   * cloudflared as the connector of the Cloudflare Tunnel of the Cloudflare-fronted site, inactive until ops install
   * its token on the host. @default false
   */
  readonly cloudflared?: boolean;
  /** @default Docker CE from Docker's repository, logs rotated at 10m x 3 */
  readonly docker?: HostDockerOptions;
  /** @default "fail2ban" */
  readonly intrusionPrevention?: IntrusionPrevention;
  /** @default "Etc/UTC" */
  readonly timezone?: string;
  /** @default true */
  readonly upgradePackages?: boolean;
}

const BUILDER = "buildHostCloudConfig";

/**
 * The host's cloud-config parts in run order. runcmd runs in part order: base services, SSH
 * reload, Docker, WireGuard key + wg0, then UFW with `ufw --force enable` as the very last command.
 */
export function hostCloudConfigParts(options: HostCloudConfigOptions): CloudConfigPart[] {
  if (!HOST_TARGETS.includes(options.target)) throw new CloudInitInputError(BUILDER, "target", options.target, `expected one of ${HOST_TARGETS.join(", ")}`);
  if (!/^[a-z_][a-z0-9_-]{0,31}$/.test(options.deployUser) || options.deployUser === "root") {
    throw new CloudInitInputError(BUILDER, "deployUser", options.deployUser, "expected a Linux user name other than root");
  }
  if (options.authorizedKeys.length === 0) throw new CloudInitInputError(BUILDER, "authorizedKeys", options.authorizedKeys, "expected at least one SSH public key");
  validateUfwRules(options.ufwRules, BUILDER);
  if (options.wireguard !== undefined && options.mesh !== undefined) {
    throw new CloudInitInputError(BUILDER, "mesh", options.mesh, "expected either wireguard (fixed peers) or mesh (pushed peers): both would own wg0");
  }
  const wireguardRules = options.wireguard === undefined ? [] : wireguardUfwRules(options.wireguard);
  const parts: CloudConfigPart[] = [
    basePart({
      ...(options.timezone === undefined ? {} : { timezone: options.timezone }),
      ...(options.upgradePackages === undefined ? {} : { upgradePackages: options.upgradePackages }),
      ...(options.intrusionPrevention === undefined ? {} : { intrusionPrevention: options.intrusionPrevention }),
    }),
    usersSshPart({ user: options.deployUser, authorizedKeys: options.authorizedKeys, groups: ["sudo", "docker"] }),
    deployKeysPart(options.deployUser),
    dockerPart({ target: options.target, ...options.docker }),
    ...(options.cloudflared === true ? [cloudflaredPart({ target: options.target })] : []),
    ...(options.wireguard === undefined ? [] : [wireguardPart(options.wireguard)]),
    ...(options.mesh === undefined ? [] : [meshMemberPart(options.mesh)]),
    ufwPart([...options.ufwRules, ...wireguardRules]),
  ];
  const runcmd = parts.flatMap((part) => part.runcmd ?? []);
  if (runcmd[runcmd.length - 1] !== UFW_ENABLE) throw new Error(`${BUILDER}: "${UFW_ENABLE}" must be the last command`);
  return parts;
}

/** The rendered `#cloud-config` user data of one host. */
export function buildHostCloudConfig(options: HostCloudConfigOptions): string {
  return renderCloudConfig(hostCloudConfigParts(options));
}
