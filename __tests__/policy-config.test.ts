import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { TerraformStack } from "cdktf";
import type { SpacesBucket } from "@cdktf/provider-digitalocean/lib/spaces-bucket";
import type { Config } from "../config/config";
import { PolicyError } from "../constructs/policy/report";
import { waivePolicy } from "../constructs/policy/waivers";
import { buildApp } from "../stacks/app";
import { synthesizeAtomically } from "../stacks/synthesize";
import { copyProject, runApp } from "./helpers/project-copy";
import { configFrom, EXAMPLE_SOURCE, exampleConfig, withSetting } from "./helpers/synth";

interface AppRun {
  readonly error?: PolicyError;
  readonly notices: readonly string[];
  readonly written: boolean;
}

/** Synthesizes the real app for a config, collecting policy notices instead of printing them. */
function synthConfig(config: Config, adjust: (stacks: TerraformStack[]) => void = () => {}): AppRun {
  const root = mkdtempSync(path.join(tmpdir(), "policy-config-"));
  const outdir = path.join(root, "cdktf.out");
  const notices: string[] = [];
  try {
    synthesizeAtomically(outdir, (staging) => {
      const app = buildApp(config, { outdir: staging, projectRoot: root, onPolicyNotice: (line) => notices.push(line) });
      adjust(app.node.children.filter(TerraformStack.isStack));
      return app;
    });
  } catch (error) {
    if (!(error instanceof PolicyError)) throw error;
    return { error, notices, written: existsSync(outdir) };
  }
  return { notices, written: existsSync(outdir) };
}

const set = (key: string, value: string): string => withSetting(EXAMPLE_SOURCE, key, value);

describe("guard rails on the real app", () => {
  it("pass the example config with zero errors, warnings or waivers", async () => {
    const run = synthConfig(await exampleConfig());
    expect(run).toEqual({ notices: [], written: true });
  });

  it("fail the synth on monitoring turned off, and write nothing", async () => {
    const run = synthConfig(await configFrom(set("enable_monitoring", "false")));
    expect(run.written).toBe(false);
    expect(run.error?.message).toBe(
      [
        "policy check failed (1 problem):",
        "  CMP-002 main-production/droplet/droplet (digitalocean_droplet.app): droplet has monitoring turned off (enable_monitoring = false)",
        "    fix: set enable_monitoring = true (the DigitalOcean agent feeds alerts and graphs)",
      ].join("\n"),
    );
  });

  it("report the problems of every stack at once", async () => {
    const run = synthConfig(await configFrom(set("enable_monitoring", "false")), ([, data]) => {
      (data!.node.findChild("spaces").node.findChild("backups") as SpacesBucket).addOverride("acl", "public-read");
    });
    expect(run.written).toBe(false);
    expect(run.error?.message.split("\n").filter((line) => /^ {2}\S/.test(line))).toEqual([
      '  STO-001 data-production/spaces/backups (digitalocean_spaces_bucket.backups): bucket "izzzi-production-backups" has acl = "public-read" and is not the declared assets bucket',
      "  CMP-002 main-production/droplet/droplet (digitalocean_droplet.app): droplet has monitoring turned off (enable_monitoring = false)",
    ]);
  });

  it("accept SSH from anywhere only with allow_ssh_from_anywhere = true, warning on every synth", async () => {
    const source = `${set("allowed_ssh_ips", '["0.0.0.0/0", "::/0"]')}\nallow_ssh_from_anywhere = true\n`;
    const run = synthConfig(await configFrom(source));
    expect(run.written).toBe(true);
    expect(run.notices.map((notice) => notice.split("\n")[0])).toEqual([
      "warning: NET-002 main-production/firewalls/fw-management (digitalocean_firewall.management): inbound_rule[0] opens SSH (tcp 22) to 0.0.0.0/0, ::/0, the whole internet (accepted: allow_ssh_from_anywhere = true)",
      // The droplet's UFW mirrors the cloud firewall, so the host layer is reported too.
      "warning: NET-002 main-production/droplet/droplet (digitalocean_droplet.app): user_data: `ufw allow proto tcp from any to any port 22 comment 'SSH from allowed_ssh_ips'` opens SSH (tcp 22) to 0.0.0.0/0, ::/0, the whole internet (accepted: allow_ssh_from_anywhere = true)",
      "warning: NET-002 hosts-production/ai-lab/user_data (local_sensitive_file.user_data_ai_lab): content: `ufw allow proto tcp from any to any port 22 comment 'SSH from allowed_ssh_ips'` opens SSH (tcp 22) to 0.0.0.0/0, ::/0, the whole internet (accepted: allow_ssh_from_anywhere = true)",
      "warning: NET-002 hosts-production/core-prod/user_data (local_sensitive_file.user_data_core_prod): content: `ufw allow proto tcp from any to any port 22 comment 'SSH from allowed_ssh_ips'` opens SSH (tcp 22) to 0.0.0.0/0, ::/0, the whole internet (accepted: allow_ssh_from_anywhere = true)",
    ]);
  });

  it("honour a policy_waivers entry and show its reason", async () => {
    const source = `${set("enable_monitoring", "false")}\npolicy_waivers = [{ policy = "CMP-002", resource = "main-production/droplet/droplet", reason = "graphs come from node_exporter on the mesh" }]\n`;
    const run = synthConfig(await configFrom(source));
    expect(run.written).toBe(true);
    expect(run.notices).toEqual([
      [
        "waived: CMP-002 main-production/droplet/droplet (digitalocean_droplet.app): droplet has monitoring turned off (enable_monitoring = false)",
        '    waived by policy_waivers[0]: "graphs come from node_exporter on the mesh"',
      ].join("\n"),
    ]);
  });

  it("accept a waiver naming the Terraform address instead of the construct path", async () => {
    const source = `${set("enable_monitoring", "false")}\npolicy_waivers = [{ policy = "CMP-002", resource = "digitalocean_droplet.app", reason = "graphs come from node_exporter on the mesh" }]\n`;
    expect(synthConfig(await configFrom(source)).written).toBe(true);
  });

  it("fail on a waiver that matches nothing, so stale exceptions cannot pile up", async () => {
    const source = `${EXAMPLE_SOURCE}\npolicy_waivers = [{ policy = "CMP-002", resource = "main-production/droplet/droplet", reason = "graphs come from node_exporter on the mesh" }]\n`;
    const run = synthConfig(await configFrom(source));
    expect(run.written).toBe(false);
    expect(run.error?.message.split("\n").slice(0, 2)).toEqual([
      "policy check failed (1 problem):",
      '  policy_waivers[0]: waiver of CMP-002 for "main-production/droplet/droplet" matches no finding',
    ]);
  });

  it("support construct-level waivers, which also need a written reason", async () => {
    const config = await configFrom(set("enable_monitoring", "false"));
    const run = synthConfig(config, ([main]) => waivePolicy(main!.node.findChild("droplet"), "CMP-002", "bench host, destroyed nightly"));
    expect(run.notices[0]).toContain('waived by waivePolicy(main-production/droplet): "bench host, destroyed nightly"');
    expect(() => synthConfig(config, ([main]) => waivePolicy(main!, "CMP-002", "because"))).toThrow(
      "waivePolicy(main-production, CMP-002): expected a written reason of at least 12 characters",
    );
  });

  it("treat declared internal_ports like the built-in ones", async () => {
    const config = await configFrom(`${EXAMPLE_SOURCE}\ninternal_ports = [9000]\n`);
    const run = synthConfig(config, ([main]) => {
      const web = main!.node.findChild("firewalls").node.findChild("fw-web") as import("@cdktf/provider-digitalocean/lib/firewall").Firewall;
      web.addOverride("inbound_rule.2", { protocol: "tcp", port_range: "9000", source_addresses: ["0.0.0.0/0"] });
    });
    expect(run.error?.message).toContain(
      "NET-001 main-production/firewalls/fw-web (digitalocean_firewall.web): inbound_rule[2] opens internal tcp 9000 to 0.0.0.0/0",
    );
  });
});

describe("guard rails in npm run synth", () => {
  it("print warnings and waivers on stderr and still write every stack", () => {
    const dir = copyProject();
    const source = `${set("allowed_ssh_ips", '["0.0.0.0/0"]')}\nallow_ssh_from_anywhere = true\n`;
    writeFileSync(path.join(dir, "terraform.tfvars"), source);
    const result = runApp(dir, ["--quiet"]);
    expect(result.status).toBe(0);
    expect(result.stderr.split("\n")[0]).toBe(
      "warning: NET-002 main-production/firewalls/fw-management (digitalocean_firewall.management): inbound_rule[0] opens SSH (tcp 22) to 0.0.0.0/0, the whole internet (accepted: allow_ssh_from_anywhere = true)",
    );
    expect(result.stdout).toBe("synthesized main-production, data-production, hosts-production, edge-production from terraform.tfvars into cdktf.out\n");
    expect(existsSync(path.join(dir, "cdktf.out/stacks/main-production/cdk.tf.json"))).toBe(true);
  });
});
