import type { CloudConfigPart } from "./cloud-config";
import { DOCKER_APT_KEY } from "./docker-apt-key";
import { CloudInitInputError } from "./errors";
import { TARGET_FACTS, type HostTarget } from "./targets";

/** Where Docker comes from: Docker's own apt repository (CE + compose plugin), or the distribution's docker.io. */
export type DockerSource = "docker-ce" | "distro";

export interface DockerOptions {
  readonly target: HostTarget;
  /** @default "docker-ce" */
  readonly source?: DockerSource;
  /** json-file log rotation: size of one log file. @default "10m" */
  readonly logMaxSize?: string;
  /** json-file log rotation: files kept per container. @default 3 */
  readonly logMaxFiles?: number;
}

export const DOCKER_CE_PACKAGES = ["docker-ce", "docker-ce-cli", "containerd.io", "docker-buildx-plugin", "docker-compose-plugin"] as const;

/** The daemon.json every host gets: container logs rotated so they cannot fill the disk. */
export function dockerDaemonConfig(options: Pick<DockerOptions, "logMaxSize" | "logMaxFiles"> = {}): Record<string, unknown> {
  const maxSize = options.logMaxSize ?? "10m";
  const maxFiles = options.logMaxFiles ?? 3;
  if (!/^[1-9][0-9]*[kmg]$/.test(maxSize)) throw new CloudInitInputError("dockerPart", "logMaxSize", maxSize, 'expected a size such as "10m" (k, m or g)');
  if (!Number.isInteger(maxFiles) || maxFiles < 1 || maxFiles > 100) {
    throw new CloudInitInputError("dockerPart", "logMaxFiles", maxFiles, "expected an integer from 1 to 100");
  }
  return { "log-driver": "json-file", "log-opts": { "max-size": maxSize, "max-file": String(maxFiles) } };
}

/**
 * Docker Engine with compose. daemon.json is written in cloud-init's first stage, before the
 * packages are installed, so the daemon starts with log rotation from its very first run.
 */
export function dockerPart(options: DockerOptions): CloudConfigPart {
  const facts = TARGET_FACTS[options.target];
  const source = options.source ?? "docker-ce";
  const daemonJson = {
    path: "/etc/docker/daemon.json",
    permissions: "0644",
    content: `${JSON.stringify(dockerDaemonConfig(options), null, 2)}\n`,
  };
  const common = { write_files: [daemonJson], runcmd: ["systemctl enable --now docker"] };
  if (source === "distro") return { ...common, packages: ["docker.io", facts.distroComposePackage] };
  return {
    ...common,
    apt: {
      sources: {
        "docker.list": {
          source: `deb [signed-by=$KEY_FILE] https://download.docker.com/linux/${facts.dockerRepoDistro} $RELEASE stable`,
          key: DOCKER_APT_KEY,
        },
      },
    },
    packages: [...DOCKER_CE_PACKAGES],
  };
}
