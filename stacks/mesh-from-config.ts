import { Lazy } from "cdktf";
import type { Config, HostConfig } from "../config/config";
import { planMesh, type MeshPlan } from "../constructs/mesh-plan";

/** The droplet as described in `hosts` (provider "digitalocean"), if it is. */
export function dropletHost(config: Config): HostConfig | undefined {
  return config.hosts.find((host) => host.provider === "digitalocean");
}

/**
 * The mesh of the config, or undefined without one. OVH members are reached at their
 * configured public IPv4; the droplet at `dropletIpv4`, a reference valid in the calling stack.
 */
export function meshPlanFor(config: Config, dropletIpv4: string): MeshPlan | undefined {
  if (config.mesh === undefined) return undefined;
  const members = config.hosts.flatMap((host) =>
    host.mesh === undefined
      ? []
      : [
          {
            name: host.name,
            address: host.mesh.address,
            ...(host.mesh.publicKey === undefined ? {} : { publicKey: host.mesh.publicKey }),
            endpointAddress: host.provider === "digitalocean" ? dropletIpv4 : (host.publicIpv4 as string),
          },
        ],
  );
  if (members.length === 0) return undefined;
  return planMesh({ cidr: config.mesh.cidr, port: config.mesh.port, mtu: config.mesh.mtu, keepalive: config.mesh.keepalive, members });
}

/**
 * Stands for the droplet's public IPv4 where a stack needs the mesh plan but never the
 * droplet's own endpoint (the main stack: the droplet's interface and its peers' addresses).
 * Resolving it is a bug, so it throws.
 */
export function unusedDropletAddress(): string {
  return Lazy.stringValue({
    produce: () => {
      throw new Error("the droplet's own mesh endpoint was used in a stack that cannot reference it");
    },
  });
}
