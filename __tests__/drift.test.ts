import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describeDrift } from "../offline-terraform/runner/drift-report";
import { editObject } from "../offline-terraform/store";
import { exampleConfig, REPO_ROOT, synthApp, type SynthResult } from "./helpers/synth";
import { cleanUpTerraformRuns, describeWithTerraform, failures, runTerraform, scriptEmulatorHome } from "./helpers/terraform";

const SSH = { protocol: "tcp", port_range: "22", source_addresses: ["0.0.0.0/0"], source_tags: null };
const WEB = { protocol: "tcp", port_range: "443", source_addresses: ["0.0.0.0/0"], source_tags: null };

describe("how drift reads", () => {
  it("names the resource and each changed attribute, old -> new; a changed rule by its place", () => {
    const lines = describeDrift({
      address: "digitalocean_firewall.web",
      change: { actions: ["update"], before: { name: "web", inbound_rule: [SSH, WEB] }, after: { name: "web", inbound_rule: [{ ...SSH, port_range: "2222" }, WEB] } },
    });
    expect(lines).toEqual(["~ digitalocean_firewall.web: changed outside Terraform", '    inbound_rule[0].port_range: "22" -> "2222"']);
  });

  it("lists rules added and removed outside Terraform, without null members", () => {
    const lines = describeDrift({ address: "digitalocean_firewall.web", change: { actions: ["update"], before: { inbound_rule: [SSH] }, after: { inbound_rule: [WEB, { ...SSH, protocol: "udp" }] } } });
    expect(lines).toEqual([
      "~ digitalocean_firewall.web: changed outside Terraform",
      '    inbound_rule[0]: {"protocol":"tcp","port_range":"22","source_addresses":["0.0.0.0/0"]} -> (removed)',
      '    inbound_rule[+]: (absent) -> {"protocol":"tcp","port_range":"443","source_addresses":["0.0.0.0/0"]}',
      '    inbound_rule[+]: (absent) -> {"protocol":"udp","port_range":"22","source_addresses":["0.0.0.0/0"]}',
    ]);
  });

  it("never prints a value the provider marks sensitive", () => {
    const secret = ["dop", "v1", "0123456789abcdef0123456789abcdef"].join("_");
    const lines = describeDrift({
      address: "digitalocean_spaces_key.state",
      change: { actions: ["update"], before: { secret_key: secret, name: "a" }, after: { secret_key: `${secret}x`, name: "b" }, before_sensitive: { secret_key: true }, after_sensitive: { secret_key: true } },
    });
    expect(lines.join("\n")).not.toContain(secret);
    expect(lines).toEqual(["~ digitalocean_spaces_key.state: changed outside Terraform", '    name: "a" -> "b"', "    secret_key: (sensitive value changed)"]);
  });

  it("never prints a value with a sensitive part: a block that went away, blocks added and removed, a list of marked elements", () => {
    const secret = (n: number) => ["dop", "v1", `${n}`.repeat(32)].join("_");
    const lines = describeDrift({
      address: "cloudflare_zero_trust_tunnel_cloudflared_config.main",
      change: {
        actions: ["update"],
        before: { config: { token: secret(1) }, rule: [{ k: secret(2) }, { k: secret(3) }], keys: [secret(4)], name: "a" },
        after: { config: null, rule: [{ k: secret(5) }], keys: [secret(6), "b"], name: "b" },
        before_sensitive: { config: { token: true }, rule: [{ k: true }, { k: true }], keys: [true] },
        after_sensitive: { config: false, rule: [{ k: true }], keys: [true, false] },
      },
    });
    for (const n of [1, 2, 3, 4, 5, 6]) expect(lines.join("\n")).not.toContain(secret(n));
    expect(lines).toEqual([
      "~ cloudflare_zero_trust_tunnel_cloudflared_config.main: changed outside Terraform",
      "    config: (sensitive value changed)",
      "    keys: (sensitive value changed)",
      '    name: "a" -> "b"',
      "    rule[0]: (sensitive value) -> (removed)",
      "    rule[1]: (sensitive value) -> (removed)",
      "    rule[+]: (absent) -> (sensitive value)",
    ]);
  });

  it("reports an object deleted outside Terraform", () => {
    expect(describeDrift({ address: "digitalocean_record.www", change: { actions: ["delete"], before: { id: "1" }, after: null } })).toEqual(["- digitalocean_record.www: deleted outside Terraform"]);
  });
});

type State = { resources: { type: string; name: string; instances: { attributes: { id: string; inbound_rule?: { port_range: string }[] } }[] }[] };

describeWithTerraform("npm run drift -- --offline, against the example deployed into a fake cloud", () => {
  let example: SynthResult;
  const home = scriptEmulatorHome(mkdtempSync(path.join(tmpdir(), "drift-home-")));
  let store: string;
  const run = (script: string, args: readonly string[]) => {
    const result = spawnSync(process.execPath, [path.join(REPO_ROOT, "scripts", script), ...args], {
      cwd: example.root,
      env: { ...process.env, OFFLINE_TF_HOME: home, INIT_CWD: example.root },
      encoding: "utf8",
    });
    return { status: result.status, output: result.stdout + result.stderr };
  };
  const drift = () => run("drift.js", ["--offline", "--store", "cloud.json"]);

  beforeAll(async () => {
    example = synthApp(await exampleConfig());
    store = path.join(example.root, "cloud.json");
    const deploy = run("run-offline-terraform.js", ["deploy", "--store", "cloud.json"]);
    if (deploy.status !== 0) throw new Error(deploy.output);
  }, 600_000);

  afterAll(() => {
    rmSync(home, { recursive: true, force: true });
    cleanUpTerraformRuns([example]);
  });

  it("keeps the deploy's state beside the store", () => {
    expect(readdirSync(path.join(example.root, "cloud.state")).filter((name) => name.endsWith(".tfstate")).length).toBeGreaterThan(0);
  });

  it("finds no drift right after the deploy: exit 0", () => {
    const result = drift();
    expect(result.output).toMatch(/^no drift in \d+ stacks$/m);
    expect(result.status).toBe(0);
  }, 300_000);

  it("plans another config against the deployed fake cloud and its state, changing nothing in the store", async () => {
    const before = readFileSync(store, "utf8");
    const unchanged = runTerraform("plan", example, ["main-production", "data-production"], store);
    expect(failures(unchanged)).toBe("");
    expect(unchanged.filter((report) => report.step === "plan").map((report) => report.summary)).toEqual(["0 to add, 0 to change, 0 to destroy", "0 to add, 0 to change, 0 to destroy"]);
    const resized = synthApp({ ...(await exampleConfig()), dropletSize: "s-4vcpu-8gb" });
    try {
      const plan = runTerraform("plan", resized, ["main-production"], store);
      expect(plan.find((report) => report.step === "plan")?.summary).toBe("0 to add, 1 to change, 0 to destroy");
    } finally {
      rmSync(resized.root, { recursive: true, force: true });
    }
    expect(readFileSync(store, "utf8")).toBe(before);
  }, 300_000);

  it("reports a firewall rule changed behind Terraform's back: the resource, the rule, old -> new; exit 1", () => {
    const state = JSON.parse(readFileSync(path.join(example.root, "cloud.state", "terraform.main-production.tfstate"), "utf8")) as State;
    const firewall = state.resources.find((resource) => resource.type === "digitalocean_firewall" && (resource.instances[0]?.attributes.inbound_rule ?? []).length > 0);
    if (firewall === undefined) throw new Error("expected a firewall with inbound rules in main-production");
    const attributes = firewall.instances[0]!.attributes;
    const before = attributes.inbound_rule![0]!.port_range;
    editObject(store, "digitalocean_firewall", attributes.id, (object) => {
      (object.inbound_rule as { port_range: string }[])[0]!.port_range = "2222";
    });
    const result = drift();
    expect(result.output).toContain("main-production: 1 resource(s) changed outside Terraform");
    expect(result.output).toContain(`~ digitalocean_firewall.${firewall.name}: changed outside Terraform`);
    expect(result.output).toMatch(new RegExp(`inbound_rule\\[\\d+\\]\\.port_range: "${before}" -> "2222"`));
    expect(result.output).toMatch(/^drift in 1 of \d+ stacks$/m);
    expect(result.status).toBe(1);
  }, 300_000);

  it("refuses --store without --offline: exit 2", () => {
    const result = run("drift.js", ["--store", "cloud.json"]);
    expect(result.output).toContain("--store needs --offline");
    expect(result.status).toBe(2);
  });
});
