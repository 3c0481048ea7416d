import { App } from "cdktf";
import type { Config } from "../config/config";
import { dropletUserData } from "../cloud-init/host-user-data";
import { applyPolicies } from "../constructs/policy/aspect";
import { PROJECT_ROOT_CONTEXT } from "./backend";
import { DataStack } from "./data-stack";
import { EdgeStack, edgeUsesDroplet } from "./edge-stack";
import { HostsStack } from "./hosts-stack";
import { MainStack } from "./main-stack";
import { interfaceOf } from "../constructs/mesh-plan";
import { dropletHost, meshPlanFor, unusedDropletAddress } from "./mesh-from-config";
import { policyContextFor } from "./policy-context";

export interface BuildAppOptions {
  /** @default $CDKTF_OUTDIR or "cdktf.out" */
  readonly outdir?: string;
  /** Also write HCL next to the JSON. @default $SYNTH_HCL_OUTPUT === "true" */
  readonly hclOutput?: boolean;
  /** Where local state files live; backend paths are relative to it. @default process.cwd() */
  readonly projectRoot?: string;
  /** Receives guard-rail warnings and waiver notices of a passing synth. @default stderr */
  readonly onPolicyNotice?: (line: string) => void;
}

/** Stack names: `<role>-<environment>`, so environments never share a state file. */
export function stackName(role: "main" | "data" | "hosts" | "edge", config: Config): string {
  return `${role}-${config.environment}`;
}

/** Builds every stack of the product from one validated config; the guard-rail policies run on synth. */
export function buildApp(config: Config, options: BuildAppOptions = {}): App {
  const app = new App({
    ...(options.outdir === undefined ? {} : { outdir: options.outdir }),
    ...(options.hclOutput === undefined ? {} : { hclOutput: options.hclOutput }),
    context: { [PROJECT_ROOT_CONTEXT]: options.projectRoot ?? process.cwd() },
  });
  const droplet = dropletHost(config);
  const mainMesh = meshPlanFor(config, unusedDropletAddress());
  const dropletInMesh = mainMesh !== undefined && droplet?.mesh !== undefined ? { plan: mainMesh, member: droplet.name } : undefined;
  const userData = dropletUserData(config, {
    ...(droplet === undefined ? {} : { host: droplet }),
    cloudflared: droplet !== undefined && config.cloudflare?.tunnel?.host === droplet.name,
    ...(dropletInMesh === undefined ? {} : { mesh: interfaceOf(dropletInMesh.plan, dropletInMesh.member) }),
  });
  const main = new MainStack(app, stackName("main", config), { config, userData, ...(dropletInMesh === undefined ? {} : { mesh: dropletInMesh }) });
  if (config.createSpaces) {
    const data = new DataStack(app, stackName("data", config), { config, projectId: main.projectId });
    data.addDependency(main);
  }
  const dropletInHostsStack = droplet?.mesh !== undefined;
  const hostsMesh = meshPlanFor(config, dropletInHostsStack ? main.droplet.droplet.ipv4Address : unusedDropletAddress());
  if (hostsMesh !== undefined || config.hosts.some((host) => host.provider === "ovh")) {
    const hosts = new HostsStack(app, stackName("hosts", config), {
      config,
      ...(hostsMesh === undefined ? {} : { mesh: hostsMesh }),
      ...(dropletInHostsStack ? { dropletIpv4: main.droplet.droplet.ipv4Address } : {}),
    });
    if (dropletInHostsStack) hosts.addDependency(main);
  }
  if (config.cloudflare !== undefined) {
    const dropletResource = main.droplet.droplet;
    const usesDroplet = edgeUsesDroplet(config);
    const addresses = { ipv4Address: dropletResource.ipv4Address, ...(config.enableIpv6 ? { ipv6Address: dropletResource.ipv6Address } : {}) };
    const edge = new EdgeStack(app, stackName("edge", config), { config, ...(usesDroplet ? { droplet: addresses } : {}) });
    if (usesDroplet) edge.addDependency(main);
  }
  applyPolicies(app, policyContextFor(config), options.onPolicyNotice === undefined ? {} : { notify: options.onPolicyNotice });
  return app;
}
