import { parse } from "@cdktf/hcl2json";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { terraformEnvironment } from "../offline-terraform/emulator-home";
import { terraform } from "../offline-terraform/runner/terraform-process";
import { copyProject, runApp, runCdktf } from "./helpers/project-copy";
import { EXAMPLE_SOURCE, exampleConfig, synthApp, withSetting } from "./helpers/synth";
import { cleanUpTerraformRuns, describeWithTerraform, testEmulator } from "./helpers/terraform";

function treeContents(dir: string): Record<string, string> {
  const contents: Record<string, string> = {};
  const walk = (current: string): void => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) walk(full);
      else contents[path.relative(dir, full)] = readFileSync(full, "utf8");
    }
  };
  walk(dir);
  return contents;
}

describe("synthesized output", () => {
  it("is byte-identical across two synths of the same config", async () => {
    const config = await exampleConfig();
    const first = synthApp(config);
    const second = synthApp(config);
    expect([...first.files.keys()].sort()).toEqual([
      "manifest.json",
      "stacks/data-production/README.md",
      "stacks/data-production/cdk.tf.json",
      "stacks/data-production/terraform.tfvars.example",
      "stacks/edge-production/README.md",
      "stacks/edge-production/cdk.tf.json",
      "stacks/edge-production/terraform.tfvars.example",
      "stacks/hosts-production/README.md",
      "stacks/hosts-production/cdk.tf.json",
      "stacks/hosts-production/terraform.tfvars.example",
      "stacks/main-production/README.md",
      "stacks/main-production/cdk.tf.json",
      "stacks/main-production/terraform.tfvars.example",
    ]);
    expect(Object.fromEntries(second.files)).toEqual(Object.fromEntries(first.files));
  });

  it("contains no absolute machine path", async () => {
    const result = synthApp(await exampleConfig());
    for (const [file, content] of result.files) {
      expect({ file, hasRoot: content.includes(result.root) }).toEqual({ file, hasRoot: false });
      // Paths on the servers (the mesh sync uploads to the deploy user's home) are not machine paths.
      const local = content.replace(/"\/home\/deploy\/wg0\.conf\.mesh"/g, '"<remote>"').replace(/ \/home\/deploy\/wg0\.conf\.mesh/g, " <remote>");
      expect({ file, absolute: local.match(/"\/(?:tmp|work|home|root|Users|var)\//g) }).toEqual({ file, absolute: null });
    }
  });
});

describe("npm run synth", () => {
  it("writes every stack from the shipped example when no terraform.tfvars exists", () => {
    const dir = copyProject();
    const result = runApp(dir);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout.split("\n")[0]).toBe(
      "note: no terraform.tfvars here, so this synthesizes the shipped example terraform.tfvars.example (copy it to terraform.tfvars and edit it)",
    );
    expect(result.stdout.split("\n")[1]).toBe("synthesized main-production, data-production, hosts-production, edge-production from terraform.tfvars.example into cdktf.out");
    for (const stack of ["main-production", "data-production"]) {
      for (const file of [`stacks/${stack}/cdk.tf.json`, `stacks/${stack}/README.md`, `stacks/${stack}/terraform.tfvars.example`]) {
        expect({ file, exists: existsSync(path.join(dir, "cdktf.out", file)) }).toEqual({ file, exists: true });
      }
      expect(existsSync(path.join(dir, "cdktf.out", "hcl"))).toBe(false);
    }
    expect(existsSync(path.join(dir, "cdktf.out/.cdktf.out.staging"))).toBe(false);
  });

  it("writes nothing and exits 1 with the key named when the config is invalid", () => {
    const dir = copyProject();
    writeFileSync(path.join(dir, "terraform.tfvars"), withSetting(EXAMPLE_SOURCE, "environment", '"prod"'));
    const result = runApp(dir);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('terraform.tfvars:10:15: environment = "prod": expected one of "dev", "staging", "production"');
    expect(result.stderr).toContain("nothing was written.");
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(path.join(dir, "cdktf.out"))).toBe(false);
  });

  it("leaves a previous output untouched when a later config is invalid", () => {
    const dir = copyProject();
    expect(runApp(dir).status).toBe(0);
    const before = treeContents(path.join(dir, "cdktf.out"));
    writeFileSync(path.join(dir, "terraform.tfvars"), `${EXAMPLE_SOURCE}\ndo_token = "dop_v1_${"ab".repeat(32)}"\n`);
    const result = runApp(dir);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("do_token: is a secret and must not be stored in a tfvars file");
    expect(result.stderr).not.toContain("abab");
    expect(treeContents(path.join(dir, "cdktf.out"))).toEqual(before);
  });

  it("selects another file with INFRA_CONFIG or --config", () => {
    const dir = copyProject();
    writeFileSync(path.join(dir, "staging.tfvars"), withSetting(EXAMPLE_SOURCE, "environment", '"staging"'));
    writeFileSync(path.join(dir, "dev.tfvars"), withSetting(EXAMPLE_SOURCE, "environment", '"dev"'));
    expect(runApp(dir, ["--quiet"], { INFRA_CONFIG: "staging.tfvars" }).stdout).toBe(
      "synthesized main-staging, data-staging, hosts-staging, edge-staging from staging.tfvars into cdktf.out\n",
    );
    expect(runApp(dir, ["--config", "dev.tfvars", "--quiet"], { INFRA_CONFIG: "staging.tfvars" }).stdout).toBe(
      "synthesized main-dev, data-dev, hosts-dev, edge-dev from dev.tfvars into cdktf.out\n" +
        ["data", "edge", "hosts", "main"].map((role) => `removed cdktf.out/stacks/${role}-staging: that stack is no longer synthesized\n`).join(""),
    );
  });
});

describe("npm run synth -- --hcl", () => {
  it("also writes every stack as HCL that HashiCorp's parser accepts, leaving the JSON in place", async () => {
    const dir = copyProject();
    expect(runApp(dir, ["--hcl", "--quiet"]).status).toBe(0);
    for (const stack of ["main-production", "data-production"]) {
      const hcl = readFileSync(path.join(dir, "cdktf.out", "hcl", stack, "main.tf"), "utf8");
      await expect(parse(`${stack}.tf`, hcl)).resolves.toHaveProperty("resource");
      expect(existsSync(path.join(dir, "cdktf.out", "stacks", stack, "cdk.tf.json"))).toBe(true);
    }
  });
});

describe("the review summary printed by npm run synth", () => {
  it("lists resources by type, outputs and variables, then what changed since the previous synth", () => {
    const dir = copyProject();
    const first = runApp(dir).stdout;
    expect(first).toContain("main-production: 18 resources\n");
    expect(first).toContain("\n    4  digitalocean_firewall\n");
    expect(first).toContain("  variables: TF_VAR_do_token (secret)\n");
    expect(first).toContain("data-production (after main-production): 7 resources\n");
    expect(first).toContain("terraform_state_secret_key (sensitive)");
    expect(first).toContain("  changes:   first synthesis of this stack (18 to add)\n");
    // The guard compares with the previous synth: without one it says so, instead of passing silently.
    expect(first).toContain("nothing earlier to compare with here, so the guard could not check what this replaces: before applying to what already runs, read terraform plan\n");
    expect(runApp(dir).stdout).toContain("  changes:   none since the last synthesis\n");
    writeFileSync(path.join(dir, "terraform.tfvars"), withSetting(withSetting(EXAMPLE_SOURCE, "droplet_size", '"s-4vcpu-8gb"'), "allowed_ssh_ips", '["203.0.113.10/32"]'));
    const changed = runApp(dir).stdout;
    expect(changed).toContain("  changes:   0 to add, 2 to update in place, 0 to REPLACE, 0 to remove\n");
    expect(changed).toMatch(/ {4}~ {3}digitalocean_droplet\.app {2}updated in place\n {8}size: "s-2vcpu-4gb" -> "s-4vcpu-8gb"\n/);
    expect(changed).toMatch(/ {4}~ {3}digitalocean_firewall\.management {2}updated in place\n {8}inbound_rule\[0\]\.source_addresses: - "198\.51\.100\.0\/28"\n/);
    // The user data carries the deploy user's SSH public key: a declared public key never hides the diff.
    expect(changed).toContain("        user_data: changed   (ignored by lifecycle: takes effect only on rebuild)\n");
    expect(changed).toMatch(/\n {10}- .*ufw allow proto tcp from 198\.51\.100\.0\/28 to any port 22/);
  });
});

describe("cdktf synth (the CLI)", () => {
  it("produces the same files as npm run synth", () => {
    const viaApp = copyProject();
    expect(runApp(viaApp).status).toBe(0);
    const viaCli = copyProject();
    const cli = runCdktf(viaCli, ["synth"]);
    expect({ status: cli.status, stderr: cli.stderr.replace(/.*Unable to open CLI configuration file[\s\S]*?╵\n?/g, "") }).toMatchObject({ status: 0 });
    expect(treeContents(path.join(viaCli, "cdktf.out"))).toEqual(treeContents(path.join(viaApp, "cdktf.out")));
  }, 120_000);

  it("with --hcl writes HCL that HashiCorp's parser accepts, equal to the review copy", async () => {
    const dir = copyProject();
    const cli = runCdktf(dir, ["synth", "--hcl"]);
    expect(cli.status).toBe(0);
    for (const stack of ["main-production", "data-production"]) {
      const hcl = readFileSync(path.join(dir, "cdktf.out", "stacks", stack, "cdk.tf"), "utf8");
      await expect(parse(`${stack}.tf`, hcl)).resolves.toBeDefined();
      expect(hcl).toBe(readFileSync(path.join(dir, "cdktf.out", "hcl", stack, "main.tf"), "utf8"));
    }
  }, 120_000);
});

/** Every file under `dir`, relative, sorted; directories named in `skip` are not entered. */
function fileList(dir: string, skip: readonly string[] = []): string[] {
  const files: string[] = [];
  const walk = (current: string): void => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      if (skip.includes(entry.name)) continue;
      if (entry.isDirectory()) walk(path.join(current, entry.name));
      else files.push(path.relative(dir, path.join(current, entry.name)));
    }
  };
  walk(dir);
  return files.sort();
}

/** `terraform init` + `validate` in every directory under cdktf.out/stacks, with the offline providers. */
function initAndValidateEveryStackDir(dir: string): Record<string, string> {
  const results: Record<string, string> = {};
  const stacksDir = path.join(dir, "cdktf.out", "stacks");
  const env = terraformEnvironment(testEmulator());
  for (const stack of readdirSync(stacksDir).sort()) {
    const cwd = path.join(stacksDir, stack);
    const init = terraform(["init", "-input=false", "-no-color", "-backend=false"], cwd, env);
    const validate = init.status === 0 ? terraform(["validate", "-no-color"], cwd, env) : init;
    results[stack] = validate.status === 0 ? "valid" : `${init.status === 0 ? "validate" : "init"} failed:\n${validate.stdout}${validate.stderr}`;
  }
  return results;
}

describeWithTerraform("cdktf.out after a sequence of synths", () => {
  const dir = copyProject();
  afterAll(() => {
    cleanUpTerraformRuns([]);
    rmSync(dir, { recursive: true, force: true });
  });
  const allValid = (stacks: readonly string[]) => Object.fromEntries(stacks.map((stack) => [stack, "valid"]));
  const everyStack = ["data-production", "edge-production", "hosts-production", "main-production"];

  it("holds HCL only after the cdktf CLI's HCL mode, and Terraform accepts every stack directory", () => {
    expect(runApp(dir, ["--hcl", "--quiet"], { SYNTH_HCL_OUTPUT: "true" }).status).toBe(0);
    for (const stack of everyStack) {
      expect(readdirSync(path.join(dir, "cdktf.out", "stacks", stack)).sort()).toEqual(["README.md", "cdk.tf", "metadata.json", "terraform.tfvars.example"]);
    }
    expect(initAndValidateEveryStackDir(dir)).toEqual(allValid(everyStack));
  }, 240_000);

  it("holds JSON only after a plain synth: the HCL stack files and the HCL review copy are gone, terraform init's files stay", () => {
    const main = path.join(dir, "cdktf.out", "stacks", "main-production");
    expect(existsSync(path.join(main, ".terraform"))).toBe(true);
    writeFileSync(path.join(main, "terraform.tfvars"), "# an operator's values\n");
    const hosts = path.join(dir, "cdktf.out", "stacks", "hosts-production");
    mkdirSync(path.join(hosts, "rendered", "core-prod"), { recursive: true });
    writeFileSync(path.join(hosts, "rendered", "core-prod", "user-data.yaml"), "#cloud-config\n");
    expect(runApp(dir, ["--quiet"]).status).toBe(0);
    expect(fileList(path.join(dir, "cdktf.out"), [".terraform"])).toEqual([
      "manifest.json",
      ...everyStack.flatMap((stack) => [`stacks/${stack}/.terraform.lock.hcl`, `stacks/${stack}/README.md`, `stacks/${stack}/cdk.tf.json`, `stacks/${stack}/terraform.tfvars.example`]),
      "stacks/main-production/terraform.tfvars",
      "stacks/hosts-production/rendered/core-prod/user-data.yaml",
    ].sort());
    expect(initAndValidateEveryStackDir(dir)).toEqual(allValid(everyStack));
  }, 240_000);

  it("loses the directory of a stack that is switched off, and leaves the state files outside cdktf.out alone", () => {
    const state = path.join(dir, "terraform.data-production.tfstate");
    writeFileSync(state, '{"version": 4}\n');
    writeFileSync(path.join(dir, "terraform.tfvars"), withSetting(EXAMPLE_SOURCE, "create_spaces", "false"));
    const result = runApp(dir, ["--quiet"]);
    expect(result.stdout).toBe(
      "synthesized main-production, hosts-production, edge-production from terraform.tfvars into cdktf.out\n" +
        "removed cdktf.out/stacks/data-production: that stack is no longer synthesized\n",
    );
    expect(readdirSync(path.join(dir, "cdktf.out", "stacks")).sort()).toEqual(["edge-production", "hosts-production", "main-production"]);
    expect(readFileSync(state, "utf8")).toBe('{"version": 4}\n');
    expect(initAndValidateEveryStackDir(dir)).toEqual(allValid(["edge-production", "hosts-production", "main-production"]));
  }, 240_000);
});

describe("the output directory", () => {
  it("keeps a state file found in a stack directory that is no longer synthesized", () => {
    const dir = copyProject();
    expect(runApp(dir, ["--quiet"]).status).toBe(0);
    const stray = path.join(dir, "cdktf.out", "stacks", "data-production", "terraform.tfstate");
    writeFileSync(stray, "{}\n");
    writeFileSync(path.join(dir, "terraform.tfvars"), withSetting(EXAMPLE_SOURCE, "create_spaces", "false"));
    expect(runApp(dir, ["--quiet"]).status).toBe(0);
    expect(readdirSync(path.join(dir, "cdktf.out", "stacks", "data-production"))).toEqual(["terraform.tfstate"]);
  });

  it("is refused when it holds the working directory or files no synth wrote, and nothing is deleted", () => {
    const dir = copyProject();
    mkdirSync(path.join(dir, "mine"));
    writeFileSync(path.join(dir, "mine", "notes.txt"), "keep me\n");
    const foreign = runApp(dir, ["--quiet"], { CDKTF_OUTDIR: "mine" });
    expect({ status: foreign.status, synthesized: foreign.stdout.includes("synthesized") }).toEqual({ status: 1, synthesized: false });
    expect(foreign.stderr).toBe(
      "error: the output directory mine is not empty and holds no manifest.json, so no synth wrote it; its files would be deleted: choose another CDKTF_OUTDIR or empty it\nnothing was written.\n",
    );
    expect(readdirSync(path.join(dir, "mine"))).toEqual(["notes.txt"]);
    const here = runApp(dir, ["--quiet"], { CDKTF_OUTDIR: "." });
    expect(here.status).toBe(1);
    expect(here.stderr).toContain("error: the output directory . holds the working directory");
    expect(existsSync(path.join(dir, "main.ts"))).toBe(true);
  });
});
