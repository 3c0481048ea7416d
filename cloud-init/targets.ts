/** The operating systems our cloud-config is built and verified for. */
export type HostTarget = "ubuntu-24.04" | "debian-12";

export const HOST_TARGETS: readonly HostTarget[] = ["ubuntu-24.04", "debian-12"];

interface TargetFacts {
  /** Path segment of Docker's apt repository: https://download.docker.com/linux/<distro>. */
  readonly dockerRepoDistro: "ubuntu" | "debian";
  /** The distribution's own compose package when Docker comes from the distribution. */
  readonly distroComposePackage: string;
  /** The cloud-init this target runs, as the JSON schema version we validate against. */
  readonly cloudInitSchema: "22.4" | "25.1";
}

export const TARGET_FACTS: Readonly<Record<HostTarget, TargetFacts>> = {
  // Ubuntu 24.04 ships cloud-init 24.x/25.x; Debian's trixie 25.1 is the closest schema we can get.
  "ubuntu-24.04": { dockerRepoDistro: "ubuntu", distroComposePackage: "docker-compose-v2", cloudInitSchema: "25.1" },
  // Debian 12 ships cloud-init 22.4; its compose is the v1 `docker-compose` command.
  "debian-12": { dockerRepoDistro: "debian", distroComposePackage: "docker-compose", cloudInitSchema: "22.4" },
};

/** The target a DigitalOcean image slug boots into. */
export function targetOfImage(image: "ubuntu-24-04-x64" | "debian-12-x64"): HostTarget {
  return image === "ubuntu-24-04-x64" ? "ubuntu-24.04" : "debian-12";
}
