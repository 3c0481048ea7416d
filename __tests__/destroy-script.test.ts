import { readFileSync } from "node:fs";
import * as path from "node:path";
import { destroyOrder, protectedResources, refusalFor } from "../scripts/destroy";
import type { TerraformJson } from "../stacks/terraform-json";
import { configFrom, EXAMPLE_SOURCE, synthApp } from "./helpers/synth";

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
