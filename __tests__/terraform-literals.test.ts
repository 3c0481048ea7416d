import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { App, LocalBackend, TerraformLocal, TerraformOutput, TerraformStack, TerraformVariable, Testing } from "cdktf";
import { File } from "@cdktf/provider-local/lib/file";
import { LocalProvider } from "@cdktf/provider-local/lib/provider";
import { hasInertLiterals, inertValue, makeStackLiteralsInert, terraformExpression, tokenMarkerIn } from "../constructs/terraform-literals";
import { buildApp } from "../stacks/app";
import { exampleConfig } from "./helpers/synth";

const HOSTILE = '${file("/etc/passwd")} %{ if true }x%{ endif }';
const ESCAPED = '$${file("/etc/passwd")} %%{ if true }x%%{ endif }';

function inertStack(): TerraformStack {
  const stack = new TerraformStack(Testing.app() as App, "test");
  makeStackLiteralsInert(stack);
  return stack;
}

type Synthesized = {
  terraform: { backend: { local: { path: string } } };
  output: Record<string, { value: unknown; description?: string }>;
  locals: Record<string, unknown>;
  variable: Record<string, { description: string; default: unknown }>;
  resource: { local_file: Record<string, { filename: string; content: string }> };
};

describe("the escaping boundary on a stack", () => {
  it("escapes every kind of element: outputs (values, map keys, descriptions), locals, variables, resources", () => {
    const stack = inertStack();
    new LocalProvider(stack, "local");
    new TerraformOutput(stack, "out", { value: { [HOSTILE]: HOSTILE, list: [HOSTILE] }, description: HOSTILE });
    new TerraformLocal(stack, "text", HOSTILE);
    new TerraformVariable(stack, "var", { type: "string", description: HOSTILE, default: HOSTILE });
    new File(stack, "file", { filename: `${terraformExpression("path.module")}/x`, content: HOSTILE });
    const json = JSON.parse(Testing.synth(stack)) as Synthesized;
    expect(json.output.out).toEqual({ value: { [ESCAPED]: ESCAPED, list: [ESCAPED] }, description: ESCAPED });
    expect(json.locals.text).toBe(ESCAPED);
    expect(json.variable.var).toMatchObject({ description: ESCAPED, default: ESCAPED });
    const [file] = Object.values(json.resource.local_file);
    // A reference asked for as a token stays a reference; the text around it is escaped.
    expect(file).toMatchObject({ filename: "${path.module}/x", content: ESCAPED });
  });

  it("keeps a backend block as written: Terraform evaluates nothing there", () => {
    const stack = inertStack();
    new LocalBackend(stack, { path: "state-${x}.tfstate" });
    expect((JSON.parse(Testing.synth(stack)) as Synthesized).terraform.backend.local.path).toBe("state-${x}.tfstate");
  });

  it("leaves an unmarked stack alone (the boundary is installed, not global)", () => {
    const stack = new TerraformStack(Testing.app() as App, "plain");
    new TerraformLocal(stack, "text", HOSTILE);
    expect((JSON.parse(Testing.synth(stack)) as Synthesized).locals.text).toBe(HOSTILE);
  });

  it("is installed on every stack the app builds", async () => {
    const app = buildApp(await exampleConfig(), { outdir: path.join(mkdtempSync(path.join(tmpdir(), "inert-literals-")), "cdktf.out") });
    const stacks = app.node.findAll().filter(TerraformStack.isStack);
    expect(stacks.length).toBeGreaterThan(1);
    expect(stacks.filter((stack) => !hasInertLiterals(stack)).map((stack) => stack.node.id)).toEqual([]);
  });

  it("walks plain data only and keeps numbers and booleans", () => {
    expect(inertValue({ a: [1, true, null, "${x}"] })).toEqual({ a: [1, true, null, "$${x}"] });
  });

  it("finds a token marker anywhere in the config, keys included", () => {
    expect(tokenMarkerIn({ hosts: [{ role: "ok" }, { role: "#{TfToken[TOKEN.3]}" }] })).toBe("hosts[1].role");
    expect(tokenMarkerIn({ tags: { "&{TfToken[TOKEN.3]}": "v" } })).toBe("tags");
    expect(tokenMarkerIn({ hosts: [{ role: "${file(x)}" }] })).toBeUndefined();
  });
});
