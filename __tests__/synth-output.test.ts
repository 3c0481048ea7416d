import { parse } from "@cdktf/hcl2json";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { copyProject, runApp, runCdktf } from "./helpers/project-copy";
import { EXAMPLE_SOURCE, exampleConfig, synthApp, withSetting } from "./helpers/synth";

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
    expect(result.stdout.split("\n")[0]).toBe("synthesized main-production, data-production, hosts-production, edge-production from terraform.tfvars.example into cdktf.out");
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
    expect(result.stderr).toContain('terraform.tfvars:10: environment = "prod": expected one of "dev", "staging", "production"');
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
      "synthesized main-dev, data-dev, hosts-dev, edge-dev from dev.tfvars into cdktf.out\n",
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
    expect(first).toContain("  changes:   first synthesis of this stack\n");
    expect(runApp(dir).stdout).toContain("  changes:   none since the last synthesis\n");
    writeFileSync(path.join(dir, "terraform.tfvars"), withSetting(EXAMPLE_SOURCE, "enable_ipv6", "false"));
    const changed = runApp(dir).stdout;
    expect(changed).toContain("main-production: 15 resources\n");
    expect(changed).toContain("  changes:   0 added, 3 removed, 1 changed\n");
    expect(changed).toMatch(/ {4}- digitalocean_record\.dns_aaaa-apex_[0-9A-F]{8}\n/);
    expect(changed).toMatch(/ {4}~ digitalocean_droplet\.droplet_[0-9A-F]{8}\n/);
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
