import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parse } from "@cdktf/hcl2json";
import type { TerraformStack } from "cdktf";
import type { Config } from "../config/config";
import { inertString } from "../constructs/terraform-literals";
import { buildApp } from "../stacks/app";
import { hclString, quotedTemplate, renderReviewHcl, restoreNullable } from "../stacks/review-hcl";
import { FREE_TEXT_KEYS, hostile, withHostileValues } from "./helpers/hostile";
import { exampleConfig } from "./helpers/synth";
import { describeWithTerraform } from "./helpers/terraform";
import { terraformMeaning } from "./helpers/terraform-meaning";

async function hclAndJson(config: Config): Promise<{ name: string; hcl: string; json: unknown }[]> {
  // A scratch directory: the working tree's cdktf.out is the user's last synth, which the review compares with.
  const app = buildApp(config, { outdir: path.join(mkdtempSync(path.join(tmpdir(), "review-hcl-")), "cdktf.out"), onPolicyNotice: () => undefined });
  app.synth();
  const stacks = app.node.children as TerraformStack[];
  return Promise.all(stacks.map(async (stack) => ({ name: stack.node.id, hcl: await renderReviewHcl(stack), json: stack.toTerraform() as unknown })));
}

async function variants(): Promise<[string, Config][]> {
  const config = await exampleConfig();
  return [
    ["the example", config],
    ["the example without IPv6, with an existing SSH key and an unmanaged domain", { ...config, enableIpv6: false, useExistingSshKey: true, manageDomain: false }],
    ["the example with hostile values in every free-text key", withHostileValues(config, FREE_TEXT_KEYS)],
  ];
}

/** Strings a quoted HCL string or heredoc must carry unchanged. */
const HOSTILE_STRINGS = [
  // As the JSON holds it: the escaping boundary has made the template code literal.
  inertString(hostile("plain")),
  'a "quoted" \\ backslash',
  "tab\tcr\rbell\u0007nul\u0000del\u007fnel\u0085",
  "line\u2028separator\u2029paragraph",
  "ends with a dollar $",
  "$${not a reference} %%{not a directive}",
  "${digitalocean_droplet.a.ipv4_address}:51820",
  "multi\nline\nwith final newline\n",
  "EOT\nlooks like the heredoc marker\n",
  "\\n is not a newline here\n",
];

describe("review HCL", () => {
  it.each([0, 1, 2])("parses with HashiCorp's parser and means the same as the JSON, for every stack of variant %i", async (index) => {
    const [, config] = (await variants())[index] as [string, Config];
    for (const { name, hcl, json } of await hclAndJson(config)) {
      const parsed = await parse(`${name}.tf`, hcl);
      expect({ name, meaning: terraformMeaning(parsed) }).toEqual({ name, meaning: terraformMeaning(JSON.parse(JSON.stringify(json))) });
    }
  });

  it("carries the hostile values into the HCL still escaped", async () => {
    const [, , [, hostileConfig]] = await variants();
    const main = (await hclAndJson(hostileConfig)).find(({ name }) => name.startsWith("main-"));
    expect(main?.hcl).toContain('$${file(\\"/etc/passwd\\")} %%{ if true }');
    expect(main?.hcl).not.toMatch(/[^$]\$\{file\(/);
  });

  it.each(HOSTILE_STRINGS.map((text) => [JSON.stringify(text), text]))("round-trips %s as a quoted string and, where it fits, as a heredoc", async (_name, text) => {
    for (const encoded of [quotedTemplate(text), hclString(text, true)]) {
      const parsed = (await parse("x.tf", `locals {\n  x = ${encoded}\n}\n`)) as { locals: { x: string }[] };
      expect(parsed.locals[0]?.x).toBe(text);
    }
  });

  it("writes a single reference as an expression and never a quoted string with a raw line break", () => {
    expect(hclString("${var.do_token}", true)).toBe("var.do_token");
    expect(hclString("x ${var.a}", true)).toBe('"x ${var.a}"');
    for (const text of HOSTILE_STRINGS) expect(quotedTemplate(text)).not.toMatch(/[\n\r\u2028\u2029]/);
  });

  it("restores nullable, which the renderer drops", () => {
    expect(restoreNullable('variable "t" {\ntype = string\n}', { t: { nullable: false } })).toBe('variable "t" {\nnullable = false\ntype = string\n}');
  });
});

describeWithTerraform("review HCL is what terraform fmt writes", () => {
  it.each([0, 1, 2])("terraform fmt changes nothing in any stack of variant %i", async (index) => {
    const [, config] = (await variants())[index] as [string, Config];
    for (const { name, hcl } of await hclAndJson(config)) {
      const formatted = spawnSync("terraform", ["fmt", "-no-color", "-"], { input: hcl, encoding: "utf8", env: { ...process.env, CHECKPOINT_DISABLE: "1" } });
      expect({ name, status: formatted.status }).toEqual({ name, status: 0 });
      expect(`# ${name}\n${formatted.stdout}`).toBe(`# ${name}\n${hcl}`);
    }
  });
});
