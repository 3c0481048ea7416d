import { App } from "cdktf";
import type { Config } from "../config/config";
import { dropletUserData } from "../cloud-init/host-user-data";
import { applyPolicies } from "../constructs/policy/aspect";
import { PROJECT_ROOT_CONTEXT } from "./backend";
import { DataStack } from "./data-stack";
import { EdgeStack, edgeUsesDroplet } from "./edge-stack";
import { MainStack } from "./main-stack";
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
export function stackName(role: "main" | "data" | "edge", config: Config): string {
  return `${role}-${config.environment}`;
}

/** Builds every stack of the product from one validated config; the guard-rail policies run on synth. */
export function buildApp(config: Config, options: BuildAppOptions = {}): App {
  const app = new App({
    ...(options.outdir === undefined ? {} : { outdir: options.outdir }),
    ...(options.hclOutput === undefined ? {} : { hclOutput: options.hclOutput }),
    context: { [PROJECT_ROOT_CONTEXT]: options.projectRoot ?? process.cwd() },
  });
  const main = new MainStack(app, stackName("main", config), { config, userData: dropletUserData(config) });
  if (config.createSpaces) {
    const data = new DataStack(app, stackName("data", config), { config, projectId: main.projectId });
    data.addDependency(main);
  }
  if (config.cloudflare !== undefined) {
    const droplet = main.droplet.droplet;
    const usesDroplet = edgeUsesDroplet(config);
    const addresses = { ipv4Address: droplet.ipv4Address, ...(config.enableIpv6 ? { ipv6Address: droplet.ipv6Address } : {}) };
    const edge = new EdgeStack(app, stackName("edge", config), { config, ...(usesDroplet ? { droplet: addresses } : {}) });
    if (usesDroplet) edge.addDependency(main);
  }
  applyPolicies(app, policyContextFor(config), options.onPolicyNotice === undefined ? {} : { notify: options.onPolicyNotice });
  return app;
}
