import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { buildSync } from "esbuild";
import { parseImportId } from "../offline-terraform/provider/import-ids";
import { terraform } from "../offline-terraform/runner/terraform-process";
import { deleteObject, editObject, getObject, listObjects, putObject, readStore } from "../offline-terraform/store";
import { evalTfEnv, TF_ENV_NAMES } from "./helpers/terraform-fake-cloud";
import { REPO_ROOT } from "./helpers/synth";
import { describeWithTerraform } from "./helpers/terraform";

const scratch = mkdtempSync(path.join(tmpdir(), "fake-cloud-test-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("the fake cloud store", () => {
  const store = path.join(scratch, "unit", "cloud.json");

  it("is empty until something is put in it; put gives type-correct ids", () => {
    expect(readStore(store)).toEqual({ version: 1, objects: {} });
    const droplet = putObject(store, "digitalocean_droplet", { name: "app" });
    const vpc = putObject(store, "digitalocean_vpc", { name: "net" });
    const domain = putObject(store, "digitalocean_domain", { name: "example.test" });
    expect(droplet).toMatch(/^[1-9]\d{8}$/);
    expect(vpc).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(domain).toBe("example.test");
    expect(getObject(store, "digitalocean_droplet", droplet)).toEqual({ name: "app", id: droplet });
    expect(listObjects(store).map((object) => object.type)).toEqual(["digitalocean_domain", "digitalocean_droplet", "digitalocean_vpc"]);
  });

  it("refuses a second object under a taken id", () => {
    expect(() => putObject(store, "digitalocean_domain", { name: "example.test" })).toThrow('a digitalocean_domain with id "example.test" already exists');
  });

  it("edits and deletes objects behind Terraform's back", () => {
    const id = putObject(store, "digitalocean_ssh_key", { name: "ops", public_key: "ssh-ed25519 AAAA one" });
    editObject(store, "digitalocean_ssh_key", id, (attributes) => {
      attributes.public_key = "ssh-ed25519 AAAA two";
      attributes.id = "not kept";
    });
    expect(getObject(store, "digitalocean_ssh_key", id)).toEqual({ name: "ops", public_key: "ssh-ed25519 AAAA two", id });
    expect(deleteObject(store, "digitalocean_ssh_key", id)).toBe(true);
    expect(deleteObject(store, "digitalocean_ssh_key", id)).toBe(false);
    expect(() => editObject(store, "digitalocean_ssh_key", id, () => undefined)).toThrow(`no digitalocean_ssh_key with id "${id}"`);
  });

  it("loses no write when several processes put objects at once (lock + atomic rename)", async () => {
    const shared = path.join(scratch, "concurrent", "cloud.json");
    const bundle = path.join(scratch, "store-bundle.js");
    buildSync({ entryPoints: [path.join(REPO_ROOT, "offline-terraform", "store.ts")], outfile: bundle, bundle: true, platform: "node", format: "cjs", logLevel: "error" });
    const writer = (index: number) =>
      new Promise<number | null>((resolve) => {
        const code = `const s = require(${JSON.stringify(bundle)}); for (let i = 0; i < 20; i++) s.putObject(${JSON.stringify(shared)}, "digitalocean_tag", { name: "w${index}-" + i });`;
        spawn(process.execPath, ["-e", code], { stdio: "inherit" }).on("close", resolve);
      });
    expect(await Promise.all([0, 1, 2, 3].map(writer))).toEqual([0, 0, 0, 0]);
    expect(listObjects(shared, "digitalocean_tag")).toHaveLength(80);
  });
});

describe("import ids, read the providers' way", () => {
  it.each([
    ["digitalocean_droplet", "123456789", { id: "123456789" }],
    ["digitalocean_ssh_key", "4242", { id: "4242" }],
    ["digitalocean_vpc", "5f8d2c1e-0000-4000-8000-000000000001", { id: "5f8d2c1e-0000-4000-8000-000000000001" }],
    ["digitalocean_domain", "example.com", { id: "example.com" }],
    ["digitalocean_record", "example.com,987654", { domain: "example.com", id: "987654" }],
    ["digitalocean_spaces_bucket", "fra1,state-bucket", { region: "fra1", id: "state-bucket" }],
    ["cloudflare_dns_record", "023e105f4ecef8ad9ca31a8372d0c353/372e67954025e0ba6aaa6d586b9e0b59", { zone_id: "023e105f4ecef8ad9ca31a8372d0c353", id: "372e67954025e0ba6aaa6d586b9e0b59" }],
    ["cloudflare_zero_trust_tunnel_cloudflared", "acc/f70ff985-a4ef-4643-bbbc-4a0ed4fc8415", { account_id: "acc", id: "f70ff985-a4ef-4643-bbbc-4a0ed4fc8415" }],
    ["cloudflare_zero_trust_tunnel_cloudflared_config", "acc/f70ff985-a4ef-4643-bbbc-4a0ed4fc8415", { account_id: "acc", tunnel_id: "f70ff985-a4ef-4643-bbbc-4a0ed4fc8415" }],
  ])("%s %s", (type, id, attributes) => {
    expect(parseImportId(type, id)).toEqual({ ok: true, attributes });
  });

  it.each([
    ["digitalocean_droplet", "app", 'invalid id "app" in import ID "app": an integer is expected (digitalocean_droplet is imported by "<droplet_id>")'],
    ["digitalocean_record", "987654", 'unexpected format of import ID "987654": digitalocean_record is imported by "<domain>,<record_id>"'],
    ["digitalocean_record", "example.com,www", 'invalid id "www" in import ID "example.com,www": an integer is expected (digitalocean_record is imported by "<domain>,<record_id>")'],
    ["digitalocean_spaces_bucket", "state-bucket", 'unexpected format of import ID "state-bucket": digitalocean_spaces_bucket is imported by "<region>,<name>"'],
    ["cloudflare_dns_record", "372e67954025e0ba6aaa6d586b9e0b59", 'unexpected format of import ID "372e67954025e0ba6aaa6d586b9e0b59": cloudflare_dns_record is imported by "<zone_id>/<dns_record_id>"'],
    ["digitalocean_spaces_key", "DO00EXAMPLE", "resource digitalocean_spaces_key doesn't support import"],
    ["digitalocean_project_resources", "5f8d2c1e-0000-4000-8000-000000000001", "resource digitalocean_project_resources doesn't support import"],
  ])("refuses %s %s", (type, id, error) => {
    expect(parseImportId(type, id)).toEqual({ ok: false, error });
  });
});

const HAND_WRITTEN = `terraform {
  required_providers {
    digitalocean = { source = "digitalocean/digitalocean", version = "2.71.0" }
  }
}
provider "digitalocean" {}
resource "digitalocean_vpc" "net" {
  name   = "rehearsal"
  region = "fra1"
}
resource "digitalocean_domain" "site" {
  name = "example.test"
}
`;

const ADOPTED_RECORD = `resource "digitalocean_record" "www" {
  domain = digitalocean_domain.site.id
  type   = "A"
  name   = "www"
  value  = "203.0.113.9"
}
`;

type State = { resources: { type: string; name: string; instances: { attributes: Record<string, unknown> }[] }[] };

describeWithTerraform("plain terraform in any directory, against the fake cloud (tf:env)", () => {
  const home = path.join(scratch, "home");
  const dir = path.join(scratch, "ops", "rehearsal");
  const store = path.join(scratch, "ops", "cloud.json");
  let env: NodeJS.ProcessEnv;
  // Plain terraform starts the mirror's providers itself: no provider host, as in an ops shell.
  const run = (...args: string[]) => {
    const result = terraform([`-chdir=${dir}`, ...args, "-no-color"], scratch, { ...env, OFFLINE_TF_REATTACH: "0" });
    return { status: result.status, output: result.stdout + result.stderr };
  };
  const stateOf = (type: string): Record<string, unknown> | undefined =>
    (JSON.parse(readFileSync(path.join(dir, "terraform.tfstate"), "utf8")) as State).resources.find((resource) => resource.type === type)?.instances[0]?.attributes;

  beforeAll(() => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, "main.tf"), HAND_WRITTEN);
    // A relative --store is taken from where the command was typed.
    const exported = evalTfEnv(path.dirname(store), home, ["--store", "cloud.json"]);
    env = { PATH: process.env.PATH, HOME: process.env.HOME, ...exported };
  });

  it("exports the emulator's CLI config, no plugin TLS, no checkpoint, and the absolute store path", () => {
    expect(Object.keys(env).filter((name) => name !== "PATH" && name !== "HOME")).toEqual([...TF_ENV_NAMES]);
    expect(env.TF_CLI_CONFIG_FILE).toBe(path.join(home, "terraformrc"));
    expect(env.TF_DISABLE_PLUGIN_TLS).toBe("1");
    expect(env.CHECKPOINT_DISABLE).toBe("1");
    expect(env.OFFLINE_TF_STORE).toBe(store);
  });

  it("refuses an unknown option, naming it, and prints no exports", () => {
    const result = spawnSync(process.execPath, [path.join(REPO_ROOT, "scripts", "tf-env.js"), "--stor", "x.json"], { env: { ...process.env, OFFLINE_TF_HOME: home }, encoding: "utf8" });
    expect(result.status).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("Unknown option '--stor'");
  });

  it("init + apply keep the created objects in the store, with the state's ids and attributes", () => {
    expect(run("init", "-input=false").status).toBe(0);
    const apply = run("apply", "-auto-approve", "-input=false");
    expect(apply.output).toContain("Apply complete! Resources: 2 added");
    const vpc = stateOf("digitalocean_vpc");
    expect(getObject(store, "digitalocean_vpc", String(vpc?.id))).toEqual(vpc);
    expect(getObject(store, "digitalocean_domain", "example.test")).toEqual(stateOf("digitalocean_domain"));
    expect(run("plan", "-detailed-exitcode", "-input=false").status).toBe(0);
  });

  it("imports an object created in the console by its provider's import id; a second plan has no changes", () => {
    const recordId = putObject(store, "digitalocean_record", { domain: "example.test", type: "A", name: "www", value: "203.0.113.9" });
    writeFileSync(path.join(dir, "main.tf"), HAND_WRITTEN + ADOPTED_RECORD);
    const imported = run("import", "-input=false", "digitalocean_record.www", `example.test,${recordId}`);
    expect(imported.output).toContain("Import successful!");
    expect(stateOf("digitalocean_record")).toMatchObject({ id: recordId, domain: "example.test", value: "203.0.113.9" });
    expect(run("plan", "-detailed-exitcode", "-input=false").status).toBe(0);
  });

  it("refuses to import what the cloud does not hold, or an id in the wrong format", () => {
    run("state", "rm", "digitalocean_record.www");
    expect(run("import", "-input=false", "digitalocean_record.www", "example.test,111111111").output).toContain("Cannot import non-existent remote object");
    expect(run("import", "-input=false", "digitalocean_record.www", "111111111").output).toMatch(/digitalocean_record is imported\s+by "<domain>,<record_id>"/);
    writeFileSync(path.join(dir, "main.tf"), HAND_WRITTEN);
  });

  it("a refresh shows an object changed behind Terraform's back", () => {
    const vpcId = String(stateOf("digitalocean_vpc")?.id);
    editObject(store, "digitalocean_vpc", vpcId, (vpc) => {
      vpc.description = "edited in the console";
    });
    const refresh = run("plan", "-refresh-only", "-detailed-exitcode", "-input=false");
    expect(refresh.status).toBe(2);
    expect(refresh.output).toMatch(/digitalocean_vpc\.net has changed/);
    expect(refresh.output).toMatch(/~ description += "fake-description-[0-9a-f]+" -> "edited in the console"/);
  });

  it("an object deleted behind Terraform's back is gone on refresh, and planned again", () => {
    const domain = putObject(store, "digitalocean_domain", { name: "gone.example.test" });
    writeFileSync(path.join(dir, "main.tf"), `${HAND_WRITTEN}resource "digitalocean_domain" "gone" {\n  name = "gone.example.test"\n}\n`);
    expect(run("import", "-input=false", "digitalocean_domain.gone", domain).output).toContain("Import successful!");
    expect(deleteObject(store, "digitalocean_domain", "gone.example.test")).toBe(true);
    expect(run("plan", "-refresh-only", "-input=false").output).toMatch(/digitalocean_domain\.gone has been deleted/);
    expect(run("plan", "-input=false").output).toMatch(/digitalocean_domain\.gone will be created/);
    run("state", "rm", "digitalocean_domain.gone");
    writeFileSync(path.join(dir, "main.tf"), HAND_WRITTEN);
  });

  it("refuses to create a domain the cloud already holds under that name, as the API does", () => {
    const other = path.join(scratch, "ops", "other");
    mkdirSync(other, { recursive: true });
    writeFileSync(path.join(other, "main.tf"), HAND_WRITTEN.replace(/resource "digitalocean_vpc"[^}]*}\n/, ""));
    const inOther = (...args: string[]) => terraform([`-chdir=${other}`, ...args, "-no-color"], scratch, env);
    expect(inOther("init", "-input=false").status).toBe(0);
    const apply = inOther("apply", "-auto-approve", "-input=false");
    expect(apply.status).toBe(1);
    expect(apply.stderr).toContain('digitalocean_domain "example.test" already exists');
  });

  it("destroy removes the objects from the store; the console-created record stays", () => {
    expect(run("destroy", "-auto-approve", "-input=false").status).toBe(0);
    expect(listObjects(store).map((object) => object.type)).toEqual(["digitalocean_record"]);
  });
});

describeWithTerraform("Cloudflare objects created outside Terraform, adopted with import blocks", () => {
  const home = path.join(scratch, "home");
  const dir = path.join(scratch, "edge");
  const store = path.join(scratch, "edge-cloud.json");
  const zone = "023e105f4ecef8ad9ca31a8372d0c353";
  const account = "01a7362d577a6c3019a474fd6f485823";
  let env: NodeJS.ProcessEnv;
  let ids: { record: string; tunnel: string; config: string };
  // Plain terraform starts the mirror's providers itself: no provider host, as in an ops shell.
  const run = (...args: string[]) => {
    const result = terraform([`-chdir=${dir}`, ...args, "-no-color"], scratch, { ...env, OFFLINE_TF_REATTACH: "0" });
    return { status: result.status, output: result.stdout + result.stderr };
  };

  beforeAll(() => {
    const record = putObject(store, "cloudflare_dns_record", { zone_id: zone, name: "api.example.org", type: "A", content: "203.0.113.9", ttl: 1, proxied: true });
    const tunnel = putObject(store, "cloudflare_zero_trust_tunnel_cloudflared", { account_id: account, name: "edge" });
    const config = putObject(store, "cloudflare_zero_trust_tunnel_cloudflared_config", { account_id: account, tunnel_id: tunnel });
    ids = { record, tunnel, config };
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      path.join(dir, "main.tf"),
      `terraform {
  required_providers {
    cloudflare = { source = "cloudflare/cloudflare", version = "5.14.0" }
  }
}
provider "cloudflare" {}
import {
  to = cloudflare_dns_record.api
  id = "${zone}/${record}"
}
import {
  to = cloudflare_zero_trust_tunnel_cloudflared.edge
  id = "${account}/${tunnel}"
}
import {
  to = cloudflare_zero_trust_tunnel_cloudflared_config.edge
  id = "${account}/${tunnel}"
}
resource "cloudflare_dns_record" "api" {
  zone_id = "${zone}"
  name    = "api.example.org"
  type    = "A"
  content = "203.0.113.9"
  ttl     = 1
  proxied = true
}
resource "cloudflare_zero_trust_tunnel_cloudflared" "edge" {
  account_id = "${account}"
  name       = "edge"
}
resource "cloudflare_zero_trust_tunnel_cloudflared_config" "edge" {
  account_id = "${account}"
  tunnel_id  = cloudflare_zero_trust_tunnel_cloudflared.edge.id
}
`,
    );
    env = { PATH: process.env.PATH, HOME: process.env.HOME, ...evalTfEnv(scratch, home, ["--store", store]) };
    expect(run("init", "-input=false").status).toBe(0);
  });

  it("plans to import all three, create nothing, and change nothing", () => {
    const plan = run("plan", "-input=false");
    expect(plan.output).toContain("Plan: 3 to import, 0 to add, 0 to change, 0 to destroy.");
  });

  it("applies the imports: the state holds the stored ids, and the next plan has no changes", () => {
    expect(run("apply", "-auto-approve", "-input=false").output).toContain("Apply complete! Resources: 3 imported, 0 added, 0 changed, 0 destroyed.");
    const state = JSON.parse(readFileSync(path.join(dir, "terraform.tfstate"), "utf8")) as State;
    expect(state.resources.map((resource) => [resource.type, resource.instances[0]?.attributes.id])).toEqual([
      ["cloudflare_dns_record", ids.record],
      ["cloudflare_zero_trust_tunnel_cloudflared", ids.tunnel],
      ["cloudflare_zero_trust_tunnel_cloudflared_config", ids.config],
    ]);
    expect(run("plan", "-detailed-exitcode", "-input=false").status).toBe(0);
  });
});
