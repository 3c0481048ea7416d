import { parse } from "@cdktf/hcl2json";
import type { TerraformStack } from "cdktf";
import type { Config } from "../config/config";
import { buildApp } from "../stacks/app";
import { renderReviewHcl, repairCdktfHcl, restoreNullable } from "../stacks/review-hcl";
import { exampleConfig } from "./helpers/synth";
import { terraformMeaning } from "./helpers/terraform-meaning";

async function hclAndJson(config: Config): Promise<{ name: string; hcl: string; json: unknown }[]> {
  const app = buildApp(config, { outdir: "cdktf.out" });
  const stacks = app.node.children as TerraformStack[];
  return Promise.all(
    stacks.map(async (stack) => ({ name: stack.node.id, hcl: await renderReviewHcl(stack), json: stack.toTerraform() as unknown })),
  );
}

describe("review HCL", () => {
  it("parses with HashiCorp's parser and means the same as the JSON, for every stack", async () => {
    const config = await exampleConfig();
    const variants: Config[] = [config, { ...config, enableIpv6: false, useExistingSshKey: true, manageDomain: false }];
    for (const variant of variants) {
      for (const { name, hcl, json } of await hclAndJson(variant)) {
        const parsed = await parse(`${name}.tf`, hcl);
        expect({ name, meaning: terraformMeaning(parsed) }).toEqual({ name, meaning: terraformMeaning(JSON.parse(JSON.stringify(json))) });
      }
    }
  });
});

describe("repairs of cdktf 0.21's HCL renderer", () => {
  it("quotes bare references in lists (upstream: Invalid character)", () => {
    expect(repairCdktfHcl("droplet_ids = [\n${digitalocean_droplet.a.id}\n]")).toBe('droplet_ids = [\n"${digitalocean_droplet.a.id}"\n]');
  });

  it("drops the extra newline of a heredoc whose string ended with one", () => {
    expect(repairCdktfHcl("user_data = <<EOF\nline\n\nEOF")).toBe("user_data = <<EOF\nline\nEOF");
  });

  it("prints a multi-line string without a final newline as a quoted, escaped string", () => {
    expect(repairCdktfHcl('content = <<EOF\na "b"\nc\\d\nEOF')).toBe('content = "a \\"b\\"\\nc\\\\d"');
  });

  it("leaves heredoc content alone (no quoting of lines inside it)", () => {
    expect(repairCdktfHcl("x = <<EOF\n${y}\n\nEOF")).toBe("x = <<EOF\n${y}\nEOF");
  });

  it("restores nullable, which the renderer drops", () => {
    expect(restoreNullable('variable "t" {\ntype = string\n}', { t: { nullable: false } })).toBe('variable "t" {\nnullable = false\ntype = string\n}');
  });
});
