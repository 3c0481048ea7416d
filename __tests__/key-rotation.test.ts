import { spawnSync } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { terraformEnvironment } from "../offline-terraform/emulator-home";
import { placeholderVariables } from "../offline-terraform/runner/offline-run";
import { terraform } from "../offline-terraform/runner/terraform-process";
import { diffStacks } from "../stacks/review-summary";
import { deployedExample } from "./helpers/deployed-example";
import { configFrom, EXAMPLE_SOURCE, exampleConfig, resourcesOf, synthApp, withSetting, type SynthResult } from "./helpers/synth";
import { cleanUpTerraformRuns, describeWithTerraform, testEmulator } from "./helpers/terraform";

/**
 * Rotating the deploy user's SSH key (docs/key-rotation.md): phase one makes the new key
 * current and keeps the old one authorized; phase two drops the old one. Neither replaces a
 * server: the droplet ignores ssh_keys, and every host's authorized_keys follows through its
 * deploy-keys sync.
 */

const OLD_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKpn7kzZTvCxBhv1SlPnQ1nMx8wlrEKzR4HaSdyFrSic deploy@example.com";
const NEW_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBD3A9RE8G89u7w5I6oE7sZRU/u0iMlkN6EZf2yn4yCd deploy-2026@example.com";

const PHASE_ONE = withSetting(withSetting(EXAMPLE_SOURCE, "ssh_public_key", JSON.stringify(NEW_KEY)), "retired_ssh_public_keys", `[${JSON.stringify(OLD_KEY)}]`);
const PHASE_TWO = withSetting(EXAMPLE_SOURCE, "ssh_public_key", JSON.stringify(NEW_KEY));

type ResourceChange = { address: string; type: string; change: { actions: string[]; after?: Record<string, unknown> } };

/** The key set each deploy-keys sync of a stack installs: the arguments of its command, printed by bash here. */
const uploadedKeys = (result: SynthResult, stack: string) =>
  Object.values(resourcesOf(result.stacks[stack]!, "null_resource"))
    .filter((sync) => JSON.stringify(sync.provisioner).includes("deploy-keys-sync"))
    .map((sync) => {
      const command = (sync.provisioner as { "remote-exec": { inline: string[] } }[])[0]!["remote-exec"].inline[0]!;
      const printed = command.replace(/\$\$\{/g, "${").replace(/%%\{/g, "%{").replace(/^sudo \/usr\/local\/sbin\/deploy-keys-sync /, "printf '%s\\n' ");
      return spawnSync("bash", ["-c", printed], { encoding: "utf8" }).stdout.trimEnd().split("\n");
    });

describe("rotating the deploy user's SSH key: the synthesized stacks", () => {
  let before: SynthResult;
  let phaseOne: SynthResult;
  let phaseTwo: SynthResult;
  beforeAll(async () => {
    before = synthApp(await exampleConfig());
    phaseOne = synthApp(await configFrom(PHASE_ONE));
    phaseTwo = synthApp(await configFrom(PHASE_TWO));
  });

  it("keeps the old key authorized on every host during phase one, the new key first", () => {
    for (const stack of ["main-production", "hosts-production"]) {
      const uploads = uploadedKeys(phaseOne, stack);
      expect(uploads.length).toBeGreaterThan(0);
      for (const keys of uploads) expect(keys).toEqual([NEW_KEY, OLD_KEY]);
    }
    expect(uploadedKeys(phaseOne, "hosts-production")).toHaveLength(2);
    expect(uploadedKeys(phaseOne, "main-production")).toHaveLength(1);
  });

  it("authorizes only the new key once the old one is dropped from the config", () => {
    for (const stack of ["main-production", "hosts-production"]) {
      for (const keys of uploadedKeys(phaseTwo, stack)) expect(keys).toEqual([NEW_KEY]);
    }
  });

  it("changes no droplet attribute that Terraform acts on: only ignored ones (ssh_keys, user_data) may differ", () => {
    const droplet = (result: SynthResult) => Object.values(resourcesOf(result.stacks["main-production"]!, "digitalocean_droplet"))[0]!;
    const [old, rotated] = [droplet(before), droplet(phaseOne)];
    const ignored = rotated.lifecycle as { ignore_changes: string[] };
    expect(ignored.ignore_changes).toEqual(expect.arrayContaining(["ssh_keys", "user_data"]));
    const acted = (resource: Record<string, unknown>) => Object.fromEntries(Object.entries(resource).filter(([key]) => !ignored.ignore_changes.includes(key)));
    expect(acted(rotated)).toEqual(acted(old));
  });

  it("touches in the hosts stack only the deploy-keys syncs and the rendered bootstrap files", () => {
    const diff = diffStacks(before.stacks["hosts-production"], phaseOne.stacks["hosts-production"]!);
    expect(diff.added).toEqual([]);
    expect(diff.removed).toEqual([]);
    expect(diff.changed).toEqual([
      "local_sensitive_file.enroll_sh_ai_lab",
      "local_sensitive_file.enroll_sh_core_prod",
      "local_sensitive_file.user_data_ai_lab",
      "local_sensitive_file.user_data_core_prod",
      "null_resource.deploy_keys_sync_ai_lab",
      "null_resource.deploy_keys_sync_core_prod",
    ]);
  });
});

describeWithTerraform("rotating the deploy user's SSH key, planned by real Terraform core against the deployed example", () => {
  let deployed: SynthResult;
  let rotated: SynthResult;
  const changes: Record<string, ResourceChange[]> = {};

  beforeAll(async () => {
    // This file's own copy of the example deployed into the fake cloud (deployed-example.ts).
    deployed = await deployedExample();
    rotated = synthApp(await configFrom(PHASE_ONE));
    for (const stack of ["main-production", "hosts-production"]) {
      const dir = path.join(deployed.root, "work-deploy", "cdktf.out", "stacks", stack);
      writeFileSync(path.join(dir, "cdk.tf.json"), JSON.stringify(rotated.stacks[stack], null, 2));
      const env = { ...terraformEnvironment(testEmulator()), ...placeholderVariables(dir) };
      const plan = terraform(["plan", "-input=false", "-no-color", "-lock=false", "-out=rotated.plan"], dir, env);
      if (plan.status !== 0) throw new Error(`${stack} plan: ${plan.stdout}${plan.stderr}`);
      changes[stack] = (JSON.parse(terraform(["show", "-json", "rotated.plan"], dir, env).stdout) as { resource_changes: ResourceChange[] }).resource_changes;
    }
  }, 300_000);

  afterAll(() => {
    cleanUpTerraformRuns([deployed]);
    if (rotated !== undefined) rmSync(rotated.root, { recursive: true, force: true });
  });

  const acting = (stack: string) =>
    (changes[stack] ?? [])
      .filter((change) => !(change.change.actions.length === 1 && ["no-op", "read"].includes(change.change.actions[0] as string)))
      .map((change) => `${change.change.actions.join("+")} ${change.address.replace(/_[0-9A-F]{8}$/, "")}`)
      .sort();

  it("leaves the droplet alone; registers the new key in DigitalOcean before the old one goes, and runs the droplet's key sync", () => {
    expect(changes["main-production"]?.find((change) => change.type === "digitalocean_droplet")?.change.actions).toEqual(["no-op"]);
    expect(acting("main-production")).toEqual(["create+delete digitalocean_ssh_key.main", "delete+create null_resource.deploy_keys_sync_app"]);
  });

  it("replaces nothing on the OVH servers but their rendered files and their key syncs", () => {
    expect(acting("hosts-production")).toEqual([
      "delete+create local_sensitive_file.enroll_sh_ai_lab",
      "delete+create local_sensitive_file.enroll_sh_core_prod",
      "delete+create local_sensitive_file.user_data_ai_lab",
      "delete+create local_sensitive_file.user_data_core_prod",
      "delete+create null_resource.deploy_keys_sync_ai_lab",
      "delete+create null_resource.deploy_keys_sync_core_prod",
    ]);
  });
});
