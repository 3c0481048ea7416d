import { rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { terraformEnvironment } from "../offline-terraform/emulator-home";
import { placeholderVariables } from "../offline-terraform/runner/offline-run";
import { terraform } from "../offline-terraform/runner/terraform-process";
import { WITH_EXTRA_PEER } from "./helpers/mesh-config";
import { configFrom, exampleConfig, synthApp, type SynthResult } from "./helpers/synth";
import { cleanUpTerraformRuns, describeWithTerraform, failures, runTerraform, testEmulator } from "./helpers/terraform";

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
    deployed = synthApp(await exampleConfig());
    grown = synthApp(await configFrom(WITH_EXTRA_PEER));
    const reports = runTerraform("deploy", deployed, ["main-production", "hosts-production"]);
    if (failures(reports) !== "") throw new Error(failures(reports));
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
  });

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
