import { readFileSync } from "node:fs";
import * as path from "node:path";
import { stacksInDependencyOrder } from "../offline-terraform/runner/stack-order";
import { configFrom, exampleConfig, REPO_ROOT, synthApp, type SynthResult } from "./helpers/synth";
import { cleanUpTerraformRuns, describeWithTerraform, failures, runTerraform, validatePlanted } from "./helpers/terraform";

const MAXIMAL_FILE = path.join(REPO_ROOT, "__tests__", "fixtures", "maximal.tfvars");

/** Stacks come from the manifest, never from a list here: new stacks are covered as they come. */
function stackNames(synth: SynthResult): string[] {
  return stacksInDependencyOrder(synth.outdir).map((stack) => stack.name);
}

describeWithTerraform("real Terraform core over the synthesized stacks (providers emulated offline)", () => {
  let example: SynthResult;
  let maximal: SynthResult;

  beforeAll(async () => {
    example = synthApp(await exampleConfig());
    maximal = synthApp(await configFrom(readFileSync(MAXIMAL_FILE, "utf8"), "maximal.tfvars"));
  });

  afterAll(() => cleanUpTerraformRuns([example, maximal]));

  it("orders stacks upstream first, from manifest.json", () => {
    const names = stackNames(example);
    expect(names).toEqual(expect.arrayContaining(Object.keys(example.stacks)));
    expect(names.indexOf("main-production")).toBeLessThan(names.indexOf("data-production"));
  });

  it.each([
    ["the example config", () => example],
    ["the maximal config", () => maximal],
  ])("init + validate pass on every stack of %s", (_name, synth) => {
    const reports = runTerraform("validate", synth());
    expect(failures(reports)).toBe("");
    expect(reports.filter((report) => report.step === "validate").map((report) => report.stack)).toEqual(stackNames(synth()));
  });

  it("plans every stack of the example config, upstream stacks first, each creating resources", () => {
    const reports = runTerraform("plan", example);
    expect(failures(reports)).toBe("");
    const plans = reports.filter((report) => report.step === "plan");
    expect(plans.map((report) => report.stack)).toEqual(stackNames(example));
    for (const plan of plans) expect(plan.summary).toMatch(/^[1-9]\d* to add, 0 to change, 0 to destroy$/);
  });

  // deploy plans and applies each stack: it also covers "plan" for the maximal config.
  it("applies every stack of the maximal config, cross-stack through real state, then re-plans with no changes", () => {
    const reports = runTerraform("deploy", maximal);
    expect(failures(reports)).toBe("");
    const names = stackNames(maximal);
    expect(reports.filter((report) => report.step === "apply").map((report) => report.stack)).toEqual(names);
    expect(reports.filter((report) => report.step === "re-plan").map((report) => report.stack)).toEqual(names);
    const mainState = JSON.parse(readFileSync(path.join(maximal.root, "work-deploy", "terraform.main-staging.tfstate"), "utf8")) as {
      resources: { type: string; instances: { attributes: Record<string, unknown> }[] }[];
    };
    const droplet = mainState.resources.find((resource) => resource.type === "digitalocean_droplet")?.instances[0]?.attributes;
    expect(droplet?.id).toMatch(/^\d+$/);
    const firewall = mainState.resources.find((resource) => resource.type === "digitalocean_firewall")?.instances[0]?.attributes;
    expect(firewall?.droplet_ids).toEqual([Number(droplet?.id)]);
  });

  describe("planted errors in a copy of the output come back as Terraform's own diagnostics", () => {
    const plant = (edit: (droplet: Record<string, unknown>, vpc: Record<string, unknown>) => void): string =>
      validatePlanted(example, "main-production", (planted) => {
        const droplet = Object.values(planted.resource.digitalocean_droplet ?? {})[0];
        const vpc = Object.values(planted.resource.digitalocean_vpc ?? {})[0];
        if (droplet === undefined || vpc === undefined) throw new Error("expected a droplet and a VPC in main-production");
        edit(droplet, vpc);
      });

    it("an unknown argument", () => {
      const output = plant((droplet) => {
        droplet.not_an_argument = "planted";
      });
      // Terraform's wording for JSON configuration (HCL files say "Unsupported argument").
      expect(output).toContain("Extraneous JSON object property");
      expect(output).toContain('No argument or block type is named "not_an_argument".');
      expect(output).toMatch(/on cdk\.tf\.json line \d+, in resource\.digitalocean_droplet\./);
    });

    it("a missing required argument", () => {
      const output = plant((_droplet, vpc) => {
        delete vpc.region;
      });
      expect(output).toContain("Missing required argument");
      expect(output).toContain('The argument "region" is required, but no definition was found.');
    });

    it("a wrong type", () => {
      const output = plant((droplet) => {
        droplet.monitoring = ["not", "a", "bool"];
      });
      expect(output).toContain("Incorrect attribute value type");
      expect(output).toMatch(/bool required/);
    });
  });
});
