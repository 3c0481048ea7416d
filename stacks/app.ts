import { App } from "cdktf";
import type { Config } from "../config/config";
import { dropletUserData } from "../cloud-init/host-user-data";
import { applyPolicies } from "../constructs/policy/aspect";
import { makeTerraformLiteralsInert, tokenMarkerIn } from "../constructs/terraform-literals";
import { PROJECT_ROOT_CONTEXT } from "./backend";
import { DataStack } from "./data-stack";
import { EdgeStack, edgeUsesDroplet } from "./edge-stack";
import { HostsStack } from "./hosts-stack";
import { MainStack } from "./main-stack";
import { interfaceOf } from "../constructs/mesh-plan";
import { dropletHost, meshPlanFor, unusedDropletAddress } from "./mesh-from-config";
import { policyContextFor } from "./policy-context";
import { declarePublicValues } from "./synthesize";

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
  const smuggled = tokenMarkerIn(config);
  if (smuggled !== undefined) throw new Error(`${smuggled}: a CDKTF token marker ("\${TfToken[", "#{TfToken[", "&{TfToken[" or an encoded number) is not a configuration value`);
  const app = new App({
    ...(options.outdir === undefined ? {} : { outdir: options.outdir }),
    ...(options.hclOutput === undefined ? {} : { hclOutput: options.hclOutput }),
    context: { [PROJECT_ROOT_CONTEXT]: options.projectRoot ?? process.cwd() },
  });
  const main = addMainStack(app, config);
  if (config.createSpaces) {
    const data = new DataStack(app, stackName("data", config), { config, projectId: main.projectId });
    data.addDependency(main);
  }
  addHostsStack(app, config, main);
  addEdgeStack(app, config, main);
  // Before the policies, which read each stack's JSON: they judge what will be written.
  makeTerraformLiteralsInert(app);
  const policyContext = policyContextFor(config);
  applyPolicies(app, policyContext, options.onPolicyNotice === undefined ? {} : { notify: options.onPolicyNotice });
  // One array for the policies, the review and the final scan: the detectors compile it once.
  declarePublicValues(app, policyContext.publicKeyValues ?? []);
  return app;
}

/** The droplet's user data follows its `hosts` entry: mesh interface, intrusion prevention, tunnel connector. */
function addMainStack(app: App, config: Config): MainStack {
  const droplet = dropletHost(config);
  // The main stack never needs the droplet's own endpoint: only its interface and its peers'.
  const plan = meshPlanFor(config, unusedDropletAddress());
  const mesh = plan !== undefined && droplet?.mesh !== undefined ? { plan, member: droplet.name } : undefined;
  const userData = dropletUserData(config, {
    ...(droplet === undefined ? {} : { host: droplet }),
    cloudflared: droplet !== undefined && config.cloudflare?.tunnel?.host === droplet.name,
    ...(mesh === undefined ? {} : { mesh: interfaceOf(mesh.plan, mesh.member) }),
  });
  return new MainStack(app, stackName("main", config), { config, userData, ...(mesh === undefined ? {} : { mesh }) });
}

/** With OVH servers or a mesh; after main when the droplet is a member (its address is read across stacks). */
function addHostsStack(app: App, config: Config, main: MainStack): void {
  const dropletIpv4 = dropletHost(config)?.mesh === undefined ? undefined : main.droplet.droplet.ipv4Address;
  const mesh = meshPlanFor(config, dropletIpv4 ?? unusedDropletAddress());
  if (mesh === undefined && !config.hosts.some((host) => host.provider === "ovh")) return;
  const hosts = new HostsStack(app, stackName("hosts", config), {
    config,
    ...(mesh === undefined ? {} : { mesh }),
    ...(dropletIpv4 === undefined ? {} : { dropletIpv4 }),
  });
  if (dropletIpv4 !== undefined) hosts.addDependency(main);
}

/** With `cloudflare`; after main when a record points at the droplet. */
function addEdgeStack(app: App, config: Config, main: MainStack): void {
  if (config.cloudflare === undefined) return;
  if (!edgeUsesDroplet(config)) {
    new EdgeStack(app, stackName("edge", config), { config });
    return;
  }
  const droplet = main.droplet.droplet;
  const addresses = { ipv4Address: droplet.ipv4Address, ...(config.enableIpv6 ? { ipv6Address: droplet.ipv6Address } : {}) };
  new EdgeStack(app, stackName("edge", config), { config, droplet: addresses }).addDependency(main);
}
