import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { terraformEnvironment } from "../offline-terraform/emulator-home";
import { placeholderVariables } from "../offline-terraform/runner/offline-run";
import { terraform } from "../offline-terraform/runner/terraform-process";
import { planStack, type ResourceAction } from "../stacks/review/plan";
import type { TerraformJson } from "../stacks/terraform-json";
import { deployedExample } from "./helpers/deployed-example";
import { configFrom, EXAMPLE_SOURCE, synthApp, withSetting, type SynthResult } from "./helpers/synth";
import { cleanUpTerraformRuns, describeWithTerraform, testEmulator } from "./helpers/terraform";

type ResourceChange = { address: string; mode: string; change: { actions: string[] } };

const TERRAFORM_ACTIONS: Record<ResourceAction, string> = { create: "create", delete: "delete", update: "update", replace: "create+delete", "no-op": "no-op" };

/**
 * The review is computed from the configuration alone; Terraform core, planning against the
 * deployed example in the emulator, must agree with it on every resource of the main stack.
 */
describeWithTerraform("the synth review agrees with Terraform core's plan against the deployed example", () => {
  const synths: SynthResult[] = [];
  let deployed: SynthResult;
  afterAll(() => cleanUpTerraformRuns(synths));

  beforeAll(async () => {
    // This file's own copy of the example deployed into the fake cloud (deployed-example.ts).
    deployed = await deployedExample();
    synths.push(deployed);
  }, 300_000);

  /** Terraform's action per resource address of main-production for the changed config, next to the review's. */
  async function bothPlans(source: string): Promise<{ terraform: Record<string, string>; review: Record<string, string> }> {
    const changed = synthApp(await configFrom(source));
    synths.push(changed);
    const next = changed.stacks["main-production"]!;
    const dir = path.join(deployed.root, "work-deploy", "cdktf.out", "stacks", "main-production");
    writeFileSync(path.join(dir, "cdk.tf.json"), JSON.stringify(next, null, 2));
    const env = { ...terraformEnvironment(testEmulator()), ...placeholderVariables(dir) };
    const plan = terraform(["plan", "-input=false", "-no-color", "-lock=false", "-out=changed.plan"], dir, env);
    if (plan.status !== 0) throw new Error(plan.stdout + plan.stderr);
    const shown = JSON.parse(terraform(["show", "-json", "changed.plan"], dir, env).stdout) as { resource_changes: ResourceChange[] };
    const fromTerraform = Object.fromEntries(
      shown.resource_changes
        .filter((change) => change.mode === "managed" && change.change.actions.join("+") !== "no-op")
        .map((change) => [change.address, [...change.change.actions].sort().join("+")]),
    );
    const review = planStack("main-production", deployed.stacks["main-production"] as TerraformJson, next as TerraformJson);
    const fromReview = Object.fromEntries(review.resources.filter((resource) => resource.action !== "no-op").map((resource) => [resource.address, TERRAFORM_ACTIONS[resource.action]]));
    return { terraform: fromTerraform, review: fromReview };
  }

  it("resizing the droplet: one update in place", async () => {
    const plans = await bothPlans(withSetting(EXAMPLE_SOURCE, "droplet_size", '"s-4vcpu-8gb"'));
    expect(Object.values(plans.review)).toEqual(["update"]);
    expect(plans.review).toEqual(plans.terraform);
  });

  it("a new region: the droplet and the VPC replaced, what reads them updated", async () => {
    const plans = await bothPlans(withSetting(EXAMPLE_SOURCE, "region", '"ams3"'));
    // The droplet's deploy-keys sync follows the new droplet's address, so it runs again.
    expect(Object.entries(plans.review).filter(([, action]) => action === "create+delete").map(([address]) => address.split(".")[0])).toEqual(["digitalocean_droplet", "digitalocean_vpc", "null_resource"]);
    expect(plans.review).toEqual(plans.terraform);
  });

  it("new user data (another deploy user): nothing happens to the droplet, the change is ignored by lifecycle", async () => {
    const plans = await bothPlans(withSetting(EXAMPLE_SOURCE, "deploy_user", '"ops"'));
    expect(plans.review).toEqual({});
    expect(plans.review).toEqual(plans.terraform);
  });
});
