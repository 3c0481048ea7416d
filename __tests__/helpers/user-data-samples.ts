import type { Config } from "../../config/config";
import { buildHostCloudConfig, type HostCloudConfigOptions } from "../../cloud-init/host-cloud-config";
import { dropletUserData } from "../../cloud-init/host-user-data";
import type { HostTarget } from "../../cloud-init/targets";
import type { WireguardOptions } from "../../cloud-init/wireguard";
import { BOOTED_HOST, synthesizedOvhUserData, terraformLiteral, withDistroDocker } from "./boot-user-data";
import { configFrom, EXAMPLE_SOURCE, exampleConfig, resourcesOf, synthApp, withSetting } from "./synth";

/** Public keys only (their private halves were discarded when these were made). */
export const PEER_KEYS = {
  coreProd: "Dq651Z1eGAPs+KMakvjVXVuSSUOA4yJH5+K7TM/WeQw=",
  aiLab: "x+6sD69578gzPyxfFJ+8QJZ1I7f9yjQk7NiKF/VXQ2M=",
  droplet: "Qw8udy639gr3D48Gb1bF0xFMCgVDcv3vDHS90z2bFXI=",
} as const;

export const ADMIN_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEb11D9JUWlUujAM4kSgHWz36LtCtBb/ez0RXdb8jqRk ops@example";

/** The two OVH servers' mesh: CORE-PROD 10.8.0.1, AI-LAB 10.8.0.2, 51820/udp, MTU 1420, keepalive 25. */
export const CORE_PROD_WIREGUARD: WireguardOptions = {
  address: "10.8.0.1/24",
  listenPort: 51820,
  mtu: 1420,
  peers: [{ name: "ai-lab", publicKey: PEER_KEYS.aiLab, allowedIps: ["10.8.0.2/32"], endpoint: "203.0.113.20:51820" }],
};

/** The OVH VPS-3 (CORE-PROD): SSH, web, mail ports; CrowdSec; Debian 12. */
export function coreProdOptions(overrides: Partial<HostCloudConfigOptions> = {}): HostCloudConfigOptions {
  return {
    target: "debian-12",
    deployUser: "deploy",
    authorizedKeys: [ADMIN_KEY],
    ufwRules: [
      { protocol: "tcp", port: 22, from: ["198.51.100.7/32"], comment: "SSH from the admins" },
      { protocol: "tcp", port: 80, comment: "HTTP (redirect)" },
      { protocol: "tcp", port: 443, comment: "HTTPS (Traefik)" },
      { protocol: "tcp", port: 25, comment: "SMTP" },
      { protocol: "tcp", port: 587, comment: "SMTP submission" },
      { protocol: "tcp", port: 993, comment: "IMAPS" },
    ],
    wireguard: CORE_PROD_WIREGUARD,
    intrusionPrevention: "crowdsec",
    timezone: "Europe/Paris",
    ...overrides,
  };
}

/** The OVH VPS-2 (AI-LAB): SSH only (no public web), WireGuard to CORE-PROD. */
export function aiLabOptions(): HostCloudConfigOptions {
  return {
    target: "debian-12",
    deployUser: "deploy",
    authorizedKeys: [ADMIN_KEY],
    ufwRules: [{ protocol: "tcp", port: 22, from: ["198.51.100.7/32", "2001:db8::/64"], comment: "SSH from the admins" }],
    wireguard: {
      address: "10.8.0.2/24",
      peers: [{ name: "core-prod", publicKey: PEER_KEYS.coreProd, allowedIps: ["10.8.0.1/32"], endpoint: "203.0.113.10:51820" }],
    },
    intrusionPrevention: "crowdsec",
  };
}

export interface UserDataSample {
  readonly name: string;
  readonly target: HostTarget;
  readonly userData: string;
}

async function debianDropletConfig(): Promise<Config> {
  return configFrom(withSetting(EXAMPLE_SOURCE, "droplet_image", '"debian-12-x64"'));
}

/** Every kind of user data the product generates, for the checkers to go through. */
export async function userDataSamples(): Promise<UserDataSample[]> {
  const config = await exampleConfig();
  const dropletWireguard: WireguardOptions = {
    address: "10.8.0.3/24",
    peers: [{ name: "core-prod", publicKey: PEER_KEYS.coreProd, allowedIps: ["10.8.0.1/32"], endpoint: "203.0.113.10:51820" }],
  };
  return [
    { name: "droplet (Ubuntu 24.04, example config)", target: "ubuntu-24.04", userData: dropletUserData(config) },
    { name: "droplet (Debian 12 image)", target: "debian-12", userData: dropletUserData(await debianDropletConfig()) },
    { name: "droplet with WireGuard", target: "ubuntu-24.04", userData: dropletUserData(config, { wireguard: dropletWireguard }) },
    { name: "OVH core-prod (Debian 12, CrowdSec)", target: "debian-12", userData: buildHostCloudConfig(coreProdOptions()) },
    { name: "OVH ai-lab (Debian 12, CrowdSec)", target: "debian-12", userData: buildHostCloudConfig(aiLabOptions()) },
    ...synthesizedSamples(config),
    {
      name: "Ubuntu 24.04 with docker.io, no intrusion prevention",
      target: "ubuntu-24.04",
      userData: buildHostCloudConfig(coreProdOptions({ target: "ubuntu-24.04", docker: { source: "distro" }, intrusionPrevention: "none", wireguard: undefined })),
    },
  ];
}

/** The user data the example actually synthesizes: the droplet (a mesh member) and both OVH servers; and what the boot test boots. */
function synthesizedSamples(config: Config): UserDataSample[] {
  const { stacks, outdir } = synthApp(config);
  const droplet = Object.values(resourcesOf(stacks["main-production"]!, "digitalocean_droplet"))[0]!;
  const ovh = Object.values(resourcesOf(stacks["hosts-production"]!, "local_sensitive_file")).filter((file) => String(file.filename).endsWith("/user-data.yaml"));
  return [
    { name: "droplet as a mesh member (example, synthesized)", target: "ubuntu-24.04", userData: terraformLiteral(droplet.user_data as string) },
    ...ovh.map((file) => ({
      name: `OVH ${String(file.filename).split("/")[2]} as a mesh member (example, synthesized)`,
      target: "debian-12" as const,
      userData: terraformLiteral(file.content as string),
    })),
    {
      name: `OVH ${BOOTED_HOST} as synthesized, Docker from Debian's docker.io (the boot test)`,
      target: "debian-12",
      userData: withDistroDocker(synthesizedOvhUserData(outdir, BOOTED_HOST), "debian-12"),
    },
  ];
}
