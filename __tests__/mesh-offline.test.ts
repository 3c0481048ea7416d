import { rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { terraformEnvironment } from "../offline-terraform/emulator-home";
import { placeholderVariables } from "../offline-terraform/runner/offline-run";
import { terraform } from "../offline-terraform/runner/terraform-process";
import { wgQuickConfigOf } from "../constructs/mesh-plan";
import { meshPlanFor } from "../stacks/mesh-from-config";
import { itWith, REQUIREMENTS, wgProblems } from "./helpers/checkers";
import { WITH_EXTRA_PEER } from "./helpers/mesh-config";
import { deployedExample } from "./helpers/deployed-example";
import { evaluatedWg0 } from "./helpers/mesh-files";
import { configFrom, synthApp, type SynthResult } from "./helpers/synth";
import { cleanUpTerraformRuns, describeWithTerraform, testEmulator } from "./helpers/terraform";
import { planJsonOfEveryStack } from "./helpers/terraform-plan-json";

type ResourceChange = { address: string; type: string; change: { actions: string[] } };

/**
 * Adding a mesh peer, as Terraform core plans it against the state of the deployed example:
 * the synthesized diff (hosts-stack.test.ts) says which resources change; this says what
 * Terraform would do to them, and that no server is replaced.
 */
describeWithTerraform("adding a mesh peer, planned by real Terraform core against the deployed example", () => {
  let deployed: SynthResult;
  let grown: SynthResult;
  const changes: Record<string, ResourceChange[]> = {};

  beforeAll(async () => {
    // This file's own copy of the example deployed into the fake cloud (deployed-example.ts).
    deployed = await deployedExample();
    grown = synthApp(await configFrom(WITH_EXTRA_PEER));
    // The grown config, planned in the deployed scratch copy (its state files sit beside it).
    for (const stack of ["main-production", "hosts-production"]) {
      const dir = path.join(deployed.root, "work-deploy", "cdktf.out", "stacks", stack);
      writeFileSync(path.join(dir, "cdk.tf.json"), JSON.stringify(grown.stacks[stack], null, 2));
      const env = { ...terraformEnvironment(testEmulator()), ...placeholderVariables(dir) };
      const plan = terraform(["plan", "-input=false", "-no-color", "-lock=false", "-out=grown.plan"], dir, env);
      if (plan.status !== 0) throw new Error(`${stack} plan: ${plan.stdout}${plan.stderr}`);
      const shown = terraform(["show", "-json", "grown.plan"], dir, env);
      changes[stack] = (JSON.parse(shown.stdout) as { resource_changes: ResourceChange[] }).resource_changes;
    }
  }, 300_000);

  afterAll(() => cleanUpTerraformRuns([deployed, grown]));

  const acting = (stack: string) =>
    (changes[stack] ?? [])
      .filter((change) => !(change.change.actions.length === 1 && change.change.actions[0] === "no-op") && !(change.change.actions[0] === "read"))
      .map((change) => `${change.change.actions.join("+")} ${change.address}`)
      .sort();

  it("leaves the droplet alone: main only updates the -fw-mesh firewall in place", () => {
    expect(acting("main-production")).toEqual(["update digitalocean_firewall.mesh"]);
    const droplet = changes["main-production"]?.find((change) => change.type === "digitalocean_droplet");
    expect(droplet?.change.actions).toEqual(["no-op"]);
  });

  it("would replace the droplet for a replacing change (the no-op above is not for lack of knowing): a new image, create before destroy", async () => {
    const dir = path.join(deployed.root, "work-deploy", "cdktf.out", "stacks", "main-production");
    const otherImage = synthApp({ ...(await configFrom(WITH_EXTRA_PEER)), dropletImage: "debian-12-x64" });
    writeFileSync(path.join(dir, "cdk.tf.json"), JSON.stringify(otherImage.stacks["main-production"], null, 2));
    const env = { ...terraformEnvironment(testEmulator()), ...placeholderVariables(dir) };
    expect(terraform(["plan", "-input=false", "-no-color", "-lock=false", "-out=image.plan"], dir, env).status).toBe(0);
    const shown = JSON.parse(terraform(["show", "-json", "image.plan"], dir, env).stdout) as { resource_changes: ResourceChange[] };
    expect(shown.resource_changes.find((change) => change.type === "digitalocean_droplet")?.change.actions).toEqual(["create", "delete"]);
    rmSync(otherImage.root, { recursive: true, force: true });
  });

  it("replaces the existing members' wg0.conf files and syncs, and creates the newcomer's; OVH user data is untouched", () => {
    expect(acting("hosts-production")).toEqual([
      "create local_file.wg0_edge_lab",
      "create local_sensitive_file.enroll_sh_edge_lab",
      "create local_sensitive_file.user_data_edge_lab",
      "create null_resource.deploy_keys_sync_edge_lab",
      "create null_resource.mesh_sync_edge_lab",
      "delete+create local_file.wg0_ai_lab",
      "delete+create local_file.wg0_app",
      "delete+create local_file.wg0_core_prod",
      "delete+create null_resource.mesh_sync_ai_lab",
      "delete+create null_resource.mesh_sync_app",
      "delete+create null_resource.mesh_sync_core_prod",
    ]);
  });
});

/** The example with edge-lab and three more members: hyphen and digit names, one without a key yet. */
const WITH_MORE_PEERS = WITH_EXTRA_PEER.replace(
  "  app = {",
  `  edge0 = {
    provider             = "ovh"
    role                 = "Name ordering: a digit after the prefix"
    public_ipv4          = "198.51.100.41"
    mesh_address         = "10.8.0.5"
    wireguard_public_key = "${Buffer.alloc(32, 5).toString("base64")}"
  }
  edge-9 = {
    provider             = "ovh"
    role                 = "Name ordering: a hyphen after the prefix"
    public_ipv4          = "198.51.100.42"
    mesh_address         = "10.8.0.6"
    wireguard_public_key = "${Buffer.alloc(32, 6).toString("base64")}"
  }
  edge-pending = {
    provider     = "ovh"
    role         = "A member whose key is not known yet"
    public_ipv4  = "198.51.100.43"
    mesh_address = "10.8.0.7"
  }
  app = {`,
);

/**
 * The hosts stack holds each [Peer] section once (local.mesh_peers) and every wg0.conf as an
 * expression over it: what Terraform evaluates must be the reference renderer's text byte for
 * byte, and the tests' own reading of the JSON (helpers/mesh-files.ts) must agree with both.
 */
describeWithTerraform("each member's wg0.conf as Terraform core evaluates it", () => {
  let synth: SynthResult;
  const planned = new Map<string, string>();
  let dropletIpv4 = "";

  beforeAll(async () => {
    synth = synthApp(await configFrom(WITH_MORE_PEERS));
    const plans = planJsonOfEveryStack(synth);
    const hosts = plans["hosts-production"] as unknown as {
      planned_values: { root_module: { resources?: { type: string; values: Record<string, unknown> }[] } };
      prior_state?: { values?: { root_module?: { resources?: { type: string; values: Record<string, unknown> }[] } } };
    };
    for (const resource of hosts.planned_values.root_module.resources ?? []) {
      if (resource.type === "local_file") planned.set(String(resource.values.filename), String(resource.values.content));
    }
    const remote = (hosts.prior_state?.values?.root_module?.resources ?? []).find((resource) => resource.type === "terraform_remote_state");
    const outputs = (remote?.values.outputs ?? {}) as Record<string, string>;
    dropletIpv4 = Object.entries(outputs).find(([name]) => /^cross-stack-output-digitalocean_droplet.*ipv4_address$/.test(name))?.[1] ?? "";
  });

  afterAll(() => cleanUpTerraformRuns([synth]));

  const members = ["ai-lab", "app", "core-prod", "edge-9", "edge-lab", "edge-pending", "edge0"];
  const plannedOf = (member: string) => planned.get(`./rendered/${member}/wg0.conf`);

  it("plans one file per member, the droplet's address known from main's state", () => {
    expect([...planned.keys()].sort()).toEqual(members.map((member) => `./rendered/${member}/wg0.conf`).sort());
    expect(dropletIpv4).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
  });

  it.each(members)("%s: equals wgQuickConfigOf and the tests' reading of the JSON", async (member) => {
    const plan = meshPlanFor(await configFrom(WITH_MORE_PEERS), dropletIpv4)!;
    expect(plannedOf(member)).toBe(wgQuickConfigOf(plan, member));
    const read = evaluatedWg0(synth.stacks["hosts-production"]!, member).replace(/\$\{data\.terraform_remote_state\.[^}]+ipv4_address\}/g, dropletIpv4);
    expect(plannedOf(member)).toBe(read);
  });

  itWith(REQUIREMENTS.wg)("parse completely with wg-quick and wg", () => {
    for (const member of members) expect({ member, problems: wgProblems(plannedOf(member) ?? "") }).toEqual({ member, problems: [] });
  });
});
