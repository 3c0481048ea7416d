import { readFileSync } from "node:fs";
import * as path from "node:path";
import { configFrom, EXAMPLE_SOURCE, exampleConfig, synthApp, type SynthResult } from "./helpers/synth";
import { cleanUpTerraformRuns, describeWithTerraform, failures, runTerraform, validatePlanted, type StackResources } from "./helpers/terraform";

type StateResource = { type: string; name: string; instances: { attributes: Record<string, unknown> }[] };

function stateResources(synth: SynthResult, command: string, stack: string): StateResource[] {
  const file = path.join(synth.root, `work-${command}`, `terraform.${stack}.tfstate`);
  return (JSON.parse(readFileSync(file, "utf8")) as { resources: StateResource[] }).resources;
}

function attributesOf(resources: readonly StateResource[], type: string): Record<string, unknown>[] {
  return resources.filter((resource) => resource.type === type).flatMap((resource) => resource.instances.map((instance) => instance.attributes));
}

describeWithTerraform("the edge stack under real Terraform core (Cloudflare provider 5.14.0 emulated offline)", () => {
  let example: SynthResult;
  let standalone: SynthResult;
  let withAccess: SynthResult;

  beforeAll(async () => {
    example = synthApp(await exampleConfig());
    // No record on the droplet: the edge stack stands alone, without main's state.
    const standaloneSource = EXAMPLE_SOURCE.replace(/^ {4}\{ name = "api\.example\.org".*\n/m, "");
    standalone = synthApp(await configFrom(standaloneSource));
    // SSH through the tunnel, behind Cloudflare Access.
    const sshIngress = '      { hostname = "ssh.example.net", service = "ssh://localhost:22", access = { allowed_emails = ["ops@example.org"], allowed_email_domains = ["example.org"] } },\n';
    withAccess = synthApp(await configFrom(standaloneSource.replace(/^( {6}\{ hostname = "example\.net".*\n)/m, `$1${sshIngress}`)));
  });

  afterAll(() => cleanUpTerraformRuns([example, standalone, withAccess]));

  it("init + validate pass", () => {
    const reports = runTerraform("validate", example, ["edge-production"]);
    expect(failures(reports)).toBe("");
    expect(reports.map((report) => `${report.stack} ${report.step}`)).toEqual(["edge-production init", "edge-production validate"]);
  });

  it("plans on its own when no record needs the droplet: 11 resources to add", () => {
    const reports = runTerraform("plan", standalone, ["edge-production"]);
    expect(failures(reports)).toBe("");
    // 7 records + 2 tunnel CNAMEs + the tunnel + its configuration.
    expect(reports.find((report) => report.step === "plan")?.summary).toBe("11 to add, 0 to change, 0 to destroy");
  });

  it("plans an SSH hostname behind Cloudflare Access: its CNAME, the Access application and its policy added", () => {
    const reports = runTerraform("plan", withAccess, ["edge-production"]);
    expect(failures(reports)).toBe("");
    expect(reports.find((report) => report.step === "plan")?.summary).toBe("14 to add, 0 to change, 0 to destroy");
  });

  it("applies after main, with the droplet's addresses read from main's real state, then re-plans with no changes", () => {
    const reports = runTerraform("deploy", example, ["main-production", "edge-production"]);
    expect(failures(reports)).toBe("");
    expect(reports.filter((report) => report.step === "re-plan").map((report) => `${report.stack} ${report.summary}`)).toEqual([
      "main-production no changes",
      "edge-production no changes",
    ]);
    const droplet = attributesOf(stateResources(example, "deploy", "main-production"), "digitalocean_droplet")[0];
    const edge = stateResources(example, "deploy", "edge-production");
    const records = attributesOf(edge, "cloudflare_dns_record");
    const api = records.filter((record) => record.name === "api.example.org").map((record) => [record.type, record.content]);
    expect(api).toEqual(expect.arrayContaining([["A", droplet?.ipv4_address], ["AAAA", droplet?.ipv6_address]]));
    expect(droplet?.ipv4_address).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    const tunnel = attributesOf(edge, "cloudflare_zero_trust_tunnel_cloudflared")[0];
    expect(tunnel?.id).toMatch(/^[0-9a-f-]{36}$/);
    const tunnelCnames = records.filter((record) => record.content === `${String(tunnel?.id)}.cfargotunnel.com`).map((record) => record.name);
    expect(tunnelCnames.sort()).toEqual(["drive.example.net", "example.net"]);
    const [lookup] = attributesOf(edge, "cloudflare_zone");
    expect(records.filter((record) => String(record.name).endsWith("example.net")).every((record) => record.zone_id === lookup?.id)).toBe(true);
  });

  describe("planted errors in a copy of the edge stack come back as Terraform's diagnostics", () => {
    const plant = (edit: (json: StackResources) => void): string => validatePlanted(standalone, "edge-production", edit);
    const first = (json: StackResources, type: string): Record<string, unknown> => {
      const found = Object.values(json.resource[type] ?? {})[0];
      if (found === undefined) throw new Error(`no ${type} in edge-production`);
      return found;
    };

    it("a record without ttl (required by provider v5)", () => {
      const output = plant((json) => {
        delete first(json, "cloudflare_dns_record").ttl;
      });
      expect(output).toContain('The argument "ttl" is required, but no definition was found.');
    });

    it("provider v4's `value` instead of v5's `content`", () => {
      const output = plant((json) => {
        const record = first(json, "cloudflare_dns_record");
        record.value = record.content;
        delete record.content;
      });
      expect(output).toContain('No argument or block type is named "value".');
    });

    it("provider v4's `secret` on the tunnel", () => {
      const output = plant((json) => {
        first(json, "cloudflare_zero_trust_tunnel_cloudflared").secret = "planted";
      });
      expect(output).toContain('No argument or block type is named "secret".');
    });

    it("an Access policy without its decision (required by provider v5)", () => {
      const output = validatePlanted(withAccess, "edge-production", (json) => {
        delete first(json, "cloudflare_zero_trust_access_policy").decision;
      });
      expect(output).toContain('The argument "decision" is required, but no definition was found.');
    });

    it("an ingress list given as a string", () => {
      const output = plant((json) => {
        first(json, "cloudflare_zero_trust_tunnel_cloudflared_config").config = { ingress: "http_status:404" };
      });
      // The bindings cannot tell v5's nested attributes from blocks, so the emulator serves `ingress` as a
      // block ("Incorrect JSON value type"); the real provider's attribute would say "Incorrect attribute value type".
      expect(output).toMatch(/Incorrect (JSON|attribute) value type/);
      expect(output).toContain('"ingress"');
    });
  });
});
