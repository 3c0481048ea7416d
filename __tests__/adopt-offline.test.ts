import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { terraformEnvironment } from "../offline-terraform/emulator-home";
import { placeholderVariables } from "../offline-terraform/runner/offline-run";
import { terraform } from "../offline-terraform/runner/terraform-process";
import { adoptionFromState, parseState } from "../config/adopt-from-state";
import { putObject } from "../offline-terraform/store";
import { stripProvisioners } from "../offline-terraform/runner/provisioners";
import { configFrom, EXAMPLE_SOURCE, REPO_ROOT, synthApp, type SynthResult } from "./helpers/synth";
import { cleanUpTerraformRuns, describeWithTerraform, testEmulator } from "./helpers/terraform";

type ResourceChange = {
  address: string;
  change: { actions: string[]; importing?: { id: string }; before?: Record<string, unknown> | null; after?: Record<string, unknown> | null; after_unknown?: Record<string, unknown> };
};

/** The top-level attributes an update changes (known now, or known after apply). */
function changedAttributes(change: ResourceChange): string[] {
  const before = change.change.before ?? {};
  const after = change.change.after ?? {};
  const unknown = change.change.after_unknown ?? {};
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((key) => unknown[key] === true || (key in after && JSON.stringify(before[key]) !== JSON.stringify(after[key]))).sort();
}

// Day one of a team that already runs the application environment: the hand-written modules are
// applied into a fake cloud, their state goes through `npm run adopt`, the block goes into the
// example config, and our stacks are planned against the same fake cloud.
describeWithTerraform("adopting what the hand-written modules created (fake cloud)", () => {
  const scratch = mkdtempSync(path.join(tmpdir(), "adopt-offline-"));
  const store = path.join(scratch, "cloud.json");
  const modules = path.join(scratch, "hand-written-modules");
  let synth: SynthResult | undefined;
  let block = "";
  const env = (dir: string) => ({ ...terraformEnvironment(testEmulator(), process.env, store), ...(dir === modules ? {} : placeholderVariables(dir)) });
  const tf = (dir: string, args: string[], extraEnv: NodeJS.ProcessEnv = {}) => terraform([args[0] as string, "-no-color", "-input=false", ...args.slice(1)], dir, { ...extraEnv, ...env(dir) });
  const stackDir = (stack: string) => path.join((synth as SynthResult).outdir, "stacks", stack);
  const planChanges = (stack: string): ResourceChange[] => {
    const dir = stackDir(stack);
    const plan = tf(dir, ["plan", "-lock=false", "-out=adopt.plan"]);
    if (plan.status !== 0) throw new Error(plan.stdout + plan.stderr);
    return (JSON.parse(terraform(["show", "-json", "adopt.plan"], dir, env(dir)).stdout) as { resource_changes?: ResourceChange[] }).resource_changes ?? [];
  };
  const summary = (changes: readonly ResourceChange[]) =>
    changes
      .filter((change) => change.change.importing !== undefined || change.change.actions.join() !== "no-op")
      .map((change) => `${change.change.importing === undefined ? "" : "import+"}${change.change.actions.join("+")} ${change.address}`)
      .sort();

  beforeAll(async () => {
    cpSync(path.join(REPO_ROOT, "__tests__", "fixtures", "hand-written-modules"), modules, { recursive: true });
    rmSync(path.join(modules, "terraform-state-v4.json"));
    for (const args of [["init"], ["apply", "-auto-approve"]]) {
      const result = tf(modules, args);
      if (result.status !== 0) throw new Error(result.stdout + result.stderr);
    }
    block = adoptionFromState(parseState(readFileSync(path.join(modules, "terraform.tfstate"), "utf8"), "terraform.tfstate"), "terraform.tfstate").block;
    synth = synthApp(await configFrom(`${EXAMPLE_SOURCE}\n${block.replace(/\}\n$/, cloudflareAdoption())}`));
    for (const stack of ["main-production", "data-production", "edge-production"]) {
      // The droplet's deploy-keys sync would SSH to a real server; the fake cloud only applies the resource.
      stripProvisioners(stackDir(stack));
      const init = tf(stackDir(stack), ["init"]);
      if (init.status !== 0) throw new Error(init.stdout + init.stderr);
    }
  }, 300_000);

  /**
   * Made in the Cloudflare dashboard: the blog's records and the tunnel with its configuration.
   * Their ids are written into the adopt block by hand, as docs/adopting.md says.
   */
  function cloudflareAdoption(): string {
    const zone = "023e105f4ecef8ad9ca31a8372d0c353";
    const account = "699d98642c564d2e855e9661899b7252";
    // Cloudflare record ids are 32 hex digits (the fake cloud would give a UUID).
    const record = (id: string, type: string, content: string) => putObject(store, "cloudflare_dns_record", { id, zone_id: zone, name: "blog.example.org", type, content, ttl: 1, proxied: true });
    const a = record("372e67954025e0ba6aaa6d586b9e0b59", "A", "198.51.100.20");
    const aaaa = record("372e67954025e0ba6aaa6d586b9e0b60", "AAAA", "2001:db8:100::20");
    const tunnel = putObject(store, "cloudflare_zero_trust_tunnel_cloudflared", { account_id: account, name: "izzzi-production-core-prod", config_src: "cloudflare" });
    putObject(store, "cloudflare_zero_trust_tunnel_cloudflared_config", { account_id: account, tunnel_id: tunnel, source: "cloudflare" });
    return `  cloudflare_records = {\n    "blog.example.org" = { A = "${a}", AAAA = "${aaaa}" }\n  }\n  cloudflare_tunnel = "${tunnel}"\n}\n`;
  }

  afterAll(() => {
    cleanUpTerraformRuns([synth]);
    rmSync(scratch, { recursive: true, force: true });
  });

  it("the adopt block names every object the modules created", () => {
    expect(block).toMatch(/ {2}droplet = \d+ # module\.droplet\.digitalocean_droplet\.app/);
    expect(block).toContain("spaces_buckets = [");
  });

  it("main: imports what exists, updates it in place, creates only what the modules never had, destroys and replaces nothing", () => {
    const changes = planChanges("main-production");
    expect(summary(changes)).toEqual([
      // Never made by the hand-written modules: the mesh firewall, the project, IPv6 records.
      "create digitalocean_firewall.mesh",
      "create digitalocean_project.main",
      "create digitalocean_project_resources.domain",
      "create digitalocean_project_resources.droplet",
      "create digitalocean_record.apex_aaaa",
      "create digitalocean_record.api_aaaa",
      "create digitalocean_record.www_aaaa",
      // The deploy user's keys, kept in sync over SSH from now on (the modules had no such thing).
      "create null_resource.deploy_keys_sync_app",
      "import+no-op digitalocean_domain.main",
      "import+no-op digitalocean_record.apex_a",
      "import+no-op digitalocean_record.api_a",
      "import+no-op digitalocean_record.www_a",
      "import+no-op digitalocean_ssh_key.main",
      "import+update digitalocean_droplet.app",
      "import+update digitalocean_firewall.internal",
      "import+update digitalocean_firewall.management",
      "import+update digitalocean_firewall.web",
      "import+update digitalocean_vpc.main",
    ]);
    // The in-place updates docs/adopting.md explains: this config's tags, timeouts, firewall rules and VPC description.
    const updates = changes.filter((change) => change.change.actions.includes("update")).map((change) => `${change.address}: ${changedAttributes(change).join(", ")}`);
    expect(updates).toEqual([
      "digitalocean_droplet.app: tags, timeouts",
      "digitalocean_firewall.internal: inbound_rule, outbound_rule",
      "digitalocean_firewall.management: outbound_rule",
      "digitalocean_firewall.web: outbound_rule",
      "digitalocean_vpc.main: description",
    ]);
  });

  it("main applies, adopting the objects under the same ids", () => {
    const apply = tf(stackDir("main-production"), ["apply", "-auto-approve", "adopt.plan"]);
    expect(apply.stdout).toContain("Apply complete! Resources: 10 imported, 8 added, 5 changed, 0 destroyed.");
    const state = JSON.parse(readFileSync(path.join((synth as SynthResult).root, "terraform.main-production.tfstate"), "utf8")) as { resources: { type: string; name: string; instances: { attributes: { id: string } }[] }[] };
    const dropletId = state.resources.find((resource) => resource.type === "digitalocean_droplet")?.instances[0]?.attributes.id;
    expect(block).toContain(`  droplet = ${dropletId} #`);
  });

  it("data: the buckets are imported, each gets a new scoped key, nothing is destroyed", () => {
    const changes = planChanges("data-production");
    expect(summary(changes)).toEqual([
      "create digitalocean_project_resources.spaces",
      "create digitalocean_spaces_key.assets",
      "create digitalocean_spaces_key.backups",
      "create digitalocean_spaces_key.terraform_state",
      "import+update digitalocean_spaces_bucket.assets",
      "import+update digitalocean_spaces_bucket.backups",
      "import+update digitalocean_spaces_bucket.terraform_state",
    ]);
    // force_destroy is a Terraform-side setting (the modules left it unset); versioning keeps every state version.
    expect(changes.filter((change) => change.change.actions.includes("update")).map((change) => `${change.address}: ${changedAttributes(change).join(", ")}`)).toEqual([
      "digitalocean_spaces_bucket.assets: force_destroy",
      "digitalocean_spaces_bucket.backups: force_destroy",
      "digitalocean_spaces_bucket.terraform_state: force_destroy, versioning",
    ]);
    expect(tf(stackDir("data-production"), ["apply", "-auto-approve", "adopt.plan"]).status).toBe(0);
  });

  it("edge: the Cloudflare records and the tunnel made in the dashboard are imported, nothing is destroyed", () => {
    const changes = planChanges("edge-production");
    expect(summary(changes).filter((line) => line.startsWith("import+"))).toEqual([
      "import+no-op cloudflare_zero_trust_tunnel_cloudflared.main",
      "import+update cloudflare_dns_record.blog_example_org_a",
      "import+update cloudflare_dns_record.blog_example_org_aaaa",
      "import+update cloudflare_zero_trust_tunnel_cloudflared_config.main",
    ]);
    expect(changes.filter((change) => change.change.actions.includes("delete"))).toEqual([]);
    // This config's comment on every record, and its ingress rules in the tunnel's configuration.
    expect(changes.filter((change) => change.change.actions.includes("update")).map((change) => `${change.address}: ${changedAttributes(change).join(", ")}`)).toEqual([
      "cloudflare_dns_record.blog_example_org_a: comment",
      "cloudflare_dns_record.blog_example_org_aaaa: comment",
      "cloudflare_zero_trust_tunnel_cloudflared_config.main: config",
    ]);
    expect(tf(stackDir("edge-production"), ["apply", "-auto-approve", "adopt.plan"]).status).toBe(0);
  });

  it("after the adopting apply, planning again reports no changes", () => {
    for (const stack of ["main-production", "data-production", "edge-production"]) {
      const plan = tf(stackDir(stack), ["plan", "-lock=false", "-detailed-exitcode"]);
      expect({ stack, status: plan.status, output: plan.status === 0 ? "" : plan.stdout + plan.stderr }).toEqual({ stack, status: 0, output: "" });
    }
  });
});
