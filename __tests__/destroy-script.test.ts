import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { terraformEnvironment } from "../offline-terraform/emulator-home";
import { placeholderVariables, runOffline } from "../offline-terraform/runner/offline-run";
import { destroyOrder, protectedResources, refusalFor } from "../scripts/destroy";
import type { TerraformJson } from "../stacks/terraform-json";
import { configFrom, EXAMPLE_SOURCE, REPO_ROOT, synthApp, type SynthResult } from "./helpers/synth";
import { cleanUpTerraformRuns, describeWithTerraform, failures, testEmulator } from "./helpers/terraform";

describe("npm run destroy", () => {
  it("destroys dependents first and refuses the state bucket until confirmed, with the steps to keep or empty it", async () => {
    const synth = synthApp(await configFrom(EXAMPLE_SOURCE));
    expect(destroyOrder(synth.outdir, ["main-production", "data-production", "edge-production"])).toEqual(["edge-production", "data-production", "main-production"]);
    const data = JSON.parse(readFileSync(path.join(synth.outdir, "stacks", "data-production", "cdk.tf.json"), "utf8")) as TerraformJson;
    const protectedOnes = protectedResources(data);
    const stateBucket = protectedOnes.find((resource) => resource.preventDestroy);
    expect(stateBucket?.address).toMatch(/^digitalocean_spaces_bucket\..*state/);
    const refusal = refusalFor("data-production", "cdktf.out/stacks/data-production", protectedOnes) ?? "";
    expect(refusal).toContain(`terraform -chdir=cdktf.out/stacks/data-production state rm ${stateBucket?.address}`);
    expect(refusal).toContain(`--confirm ${stateBucket?.address}`);
    expect(refusalFor("data-production", "dir", [])).toBeUndefined();
  });
});

describeWithTerraform("npm run destroy against the offline emulator", () => {
  let synth: SynthResult | undefined;
  afterAll(() => cleanUpTerraformRuns([synth]));

  it("refuses to destroy the data stack's buckets (the versioned state bucket above all) until each is confirmed, then destroys it", async () => {
    synth = synthApp(await configFrom(EXAMPLE_SOURCE));
    const workRoot = path.join(synth.root, "work-deploy");
    const deployed = runOffline("deploy", { projectRoot: synth.root, outdir: synth.outdir, workRoot, emulator: testEmulator(), only: ["main-production", "data-production"] });
    expect(failures(deployed)).toBe("");
    const stateFile = path.join(workRoot, "terraform.data-production.tfstate");
    const managed = () => (JSON.parse(readFileSync(stateFile, "utf8")) as { resources: { mode: string }[] }).resources.filter((resource) => resource.mode === "managed").length;
    expect(managed()).toBe(7);
    const stackDir = path.join(workRoot, "cdktf.out", "stacks", "data-production");
    const destroy = (args: readonly string[]) =>
      spawnSync(process.execPath, [path.join(REPO_ROOT, "scripts", "destroy.js"), "data-production", "--auto-approve", ...args], {
        cwd: workRoot,
        encoding: "utf8",
        env: { ...terraformEnvironment(testEmulator()), ...placeholderVariables(stackDir) },
      });

    const refused = destroy([]);
    expect(refused.status).toBe(1);
    const buckets = protectedResources(JSON.parse(readFileSync(path.join(stackDir, "cdk.tf.json"), "utf8")) as TerraformJson).map((resource) => resource.address);
    const stateBucket = buckets.find((address) => address.includes("state"));
    expect(refused.stderr).toContain(`refusing to destroy what holds data or identity in data-production:\n`);
    expect(refused.stderr).toContain(`  ${stateBucket}: `);
    expect(managed()).toBe(7);

    const allButState = destroy(buckets.filter((address) => address !== stateBucket).flatMap((address) => ["--confirm", address]));
    expect(allButState.status).toBe(1);
    expect(managed()).toBe(7);

    const confirmed = destroy(buckets.flatMap((address) => ["--confirm", address]));
    expect(confirmed.stderr).toBe("");
    expect(confirmed.status).toBe(0);
    expect(managed()).toBe(0);
    expect(existsSync(path.join(stackDir, "zz_destroy_override.tf.json"))).toBe(false);
  });
});
