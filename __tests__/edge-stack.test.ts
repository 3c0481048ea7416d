import { TerraformStack, TerraformVariable, Testing } from "cdktf";
import type { Config } from "../config/config";
import { CloudflareRecords, recordId, type CloudflareRecordsProps } from "../constructs/cloudflare-records";
import { CATCH_ALL_SERVICE, CloudflareTunnel, type CloudflareTunnelProps } from "../constructs/cloudflare-tunnel";
import { EdgeStack, edgeUsesDroplet } from "../stacks/edge-stack";
import { configFrom, dataSourcesOf, EXAMPLE_SOURCE, exampleConfig, onlyResource, resourcesOf, synthApp, type TfJson } from "./helpers/synth";

const ORG_ZONE_ID = "023e105f4ecef8ad9ca31a8372d0c353";
const ACCOUNT_ID = "699d98642c564d2e855e9661899b7252";
const REMOTE = "data.terraform_remote_state.cross-stack-reference-input-main-production.outputs";

let config: Config;
let edge: TfJson;
let files: ReadonlyMap<string, string>;

beforeAll(async () => {
  config = await exampleConfig();
  const synth = synthApp(config);
  edge = synth.stacks["edge-production"]!;
  files = synth.files;
});

type Record_ = { name: string; type: string; content: string; proxied: boolean; ttl: number; zone_id: string; comment: string };

function records(stack: TfJson): [string, Record_][] {
  return Object.entries(resourcesOf(stack, "cloudflare_dns_record")) as [string, Record_][];
}

function recordsNamed(stack: TfJson, name: string): Record_[] {
  return records(stack)
    .map(([, record]) => record)
    .filter((record) => record.name === name)
    .sort((a, b) => a.type.localeCompare(b.type));
}

function dependenciesOf(synthFiles: ReadonlyMap<string, string>, stack: string): string[] | undefined {
  const manifest = JSON.parse(synthFiles.get("manifest.json") ?? "{}") as { stacks?: Record<string, { dependencies: string[] }> };
  return manifest.stacks?.[stack]?.dependencies;
}

function netZoneRef(stack: TfJson): string {
  const [lookupId] = Object.keys(dataSourcesOf(stack, "cloudflare_zone"));
  return `\${data.cloudflare_zone.${lookupId}.id}`;
}

function tunnelId(stack: TfJson): string {
  return onlyResource(stack, "cloudflare_zero_trust_tunnel_cloudflared")[0];
}

describe("edge stack: records of the example config (the Cloudflare-fronted site, the OVH servers, the API)", () => {
  it("is built from config.cloudflare, named edge-<env>, and needs main only for the droplet's addresses", () => {
    expect(Object.keys(edge.resource ?? {}).sort()).toEqual(["cloudflare_dns_record", "cloudflare_zero_trust_tunnel_cloudflared", "cloudflare_zero_trust_tunnel_cloudflared_config"]);
    expect(edge.terraform.required_providers).toEqual({ cloudflare: { source: "cloudflare/cloudflare", version: "5.14.0" } });
    expect(edgeUsesDroplet(config)).toBe(true);
    expect(dependenciesOf(files, "edge-production")).toEqual(["main-production"]);
  });

  it.each([
    ["blog.example.org", "198.51.100.20", "2001:db8:100::20"],
    ["gestion.example.org", "198.51.100.20", "2001:db8:100::20"],
    ["mail.example.net", "198.51.100.20", "2001:db8:100::20"],
  ])("%s: A and AAAA to core-prod's public addresses", (name, ipv4, ipv6) => {
    expect(recordsNamed(edge, name).map((record) => [record.type, record.content])).toEqual([
      ["A", ipv4],
      ["AAAA", ipv6],
    ]);
  });

  it("api.example.org: A and AAAA to the droplet through the main stack's state", () => {
    expect(recordsNamed(edge, "api.example.org").map((record) => [record.type, record.content])).toEqual([
      ["A", expect.stringMatching(new RegExp(`^\\$\\{${REMOTE.replaceAll(".", "\\.")}\\.cross-stack-output-digitalocean_droplet[A-Za-z0-9_]*ipv4_address\\}$`))],
      ["AAAA", expect.stringMatching(new RegExp(`^\\$\\{${REMOTE.replaceAll(".", "\\.")}\\.cross-stack-output-digitalocean_droplet[A-Za-z0-9_]*ipv6_address\\}$`))],
    ]);
  });

  it("www.example.org: a CNAME to blog.example.org", () => {
    expect(recordsNamed(edge, "www.example.org").map((record) => [record.type, record.content])).toEqual([["CNAME", "blog.example.org"]]);
  });

  it("every record is proxied except mail.example.net (SMTP/IMAP cannot go through the proxy)", () => {
    for (const [, record] of records(edge)) expect({ name: record.name, proxied: record.proxied }).toEqual({ name: record.name, proxied: record.name !== "mail.example.net" });
    expect(recordsNamed(edge, "mail.example.net").map((record) => record.proxied)).toEqual([false, false]);
  });

  it("example.org records use the configured zone id; example.net is looked up by name", () => {
    const lookups = Object.values(dataSourcesOf(edge, "cloudflare_zone"));
    expect(lookups).toEqual([{ filter: { name: "example.net" } }]);
    for (const [, record] of records(edge)) {
      expect({ name: record.name, zone: record.zone_id }).toEqual({ name: record.name, zone: record.name.endsWith("example.org") ? ORG_ZONE_ID : netZoneRef(edge) });
    }
  });

  it("every record has the automatic TTL (1), required by provider v5 and the only one a proxied record may have", () => {
    for (const [, record] of records(edge)) expect(record.ttl).toBe(1);
  });

  it("record addresses are readable: <name with underscores>_<type>", () => {
    const ids = records(edge).map(([id]) => id);
    expect(ids).toEqual(expect.arrayContaining(["blog_example_org_a", "blog_example_org_aaaa", "www_example_org_cname", "drive_example_net_cname", "example_net_cname"]));
    expect(recordId("a-b.example.org", "A")).not.toBe(recordId("a.b.example.org", "A"));
  });
});

describe("edge stack: the Cloudflare Tunnel of the Cloudflare-fronted site", () => {
  it("is remotely managed, in the configured account, named <project>-<env>-<host>, without a tunnel secret", () => {
    const [, tunnel] = onlyResource(edge, "cloudflare_zero_trust_tunnel_cloudflared");
    expect(tunnel).toEqual({ account_id: ACCOUNT_ID, name: "izzzi-production-core-prod", config_src: "cloudflare" });
  });

  it("its configuration lists the ingress rules in order, then the mandatory http_status:404 catch-all last", () => {
    const [, configuration] = onlyResource(edge, "cloudflare_zero_trust_tunnel_cloudflared_config");
    expect(configuration).toMatchObject({ account_id: ACCOUNT_ID, tunnel_id: `\${cloudflare_zero_trust_tunnel_cloudflared.${tunnelId(edge)}.id}`, source: "cloudflare" });
    const ingress = (configuration.config as { ingress: { hostname?: string; service: string }[] }).ingress;
    expect(ingress).toEqual([
      { hostname: "drive.example.net", service: "http://localhost:8080" },
      { hostname: "example.net", service: "http://localhost:8081" },
      { service: CATCH_ALL_SERVICE },
    ]);
    expect(ingress[ingress.length - 1]).toEqual({ service: "http_status:404" });
  });

  it("each tunnel hostname is a proxied CNAME to <tunnel id>.cfargotunnel.com, in its zone", () => {
    for (const hostname of ["drive.example.net", "example.net"]) {
      expect(recordsNamed(edge, hostname)).toEqual([
        expect.objectContaining({ type: "CNAME", content: `\${cloudflare_zero_trust_tunnel_cloudflared.${tunnelId(edge)}.id}.cfargotunnel.com`, proxied: true, zone_id: netZoneRef(edge) }),
      ]);
    }
  });

  it("no name has two records of which one is a CNAME (tunnel hostnames are not also records)", () => {
    const byName = new Map<string, string[]>();
    for (const [, record] of records(edge)) byName.set(record.name, [...(byName.get(record.name) ?? []), record.type]);
    for (const [name, types] of byName) expect({ name, types: types.sort() }).toEqual({ name, types: types.includes("CNAME") ? ["CNAME"] : ["A", "AAAA"] });
    const tunnelNames = config.cloudflare?.tunnel?.ingress.map((rule) => rule.hostname) ?? [];
    expect(config.cloudflare?.records.filter((record) => tunnelNames.includes(record.name))).toEqual([]);
  });

  it("outputs the tunnel's id, name and CNAME target, and never a token", () => {
    const outputs = edge.output ?? {};
    expect(Object.keys(outputs).sort()).toEqual(["dns_records", "hostnames", "tunnel_cname_target", "tunnel_id", "tunnel_name"]);
    expect(outputs.tunnel_id?.value).toBe(`\${cloudflare_zero_trust_tunnel_cloudflared.${tunnelId(edge)}.id}`);
    expect(outputs.tunnel_cname_target?.value).toBe(`\${cloudflare_zero_trust_tunnel_cloudflared.${tunnelId(edge)}.id}.cfargotunnel.com`);
    expect(outputs.hostnames?.value).toEqual(["api.example.org", "blog.example.org", "drive.example.net", "example.net", "gestion.example.org", "mail.example.net", "www.example.org"]);
  });
});

describe("edge stack: secrets", () => {
  it("reads the API token from a sensitive, non-nullable variable documented as TF_VAR_cloudflare_api_token", () => {
    expect(edge.variable).toEqual({
      cloudflare_api_token: { type: "string", sensitive: true, nullable: false, description: expect.stringContaining("TF_VAR_cloudflare_api_token") },
    });
    expect(edge.provider?.cloudflare).toEqual([{ api_token: "${var.cloudflare_api_token}" }]);
  });

  it("never handles a tunnel token or secret: no token data source, no tunnel_secret, no token output", () => {
    const json = files.get("stacks/edge-production/cdk.tf.json") ?? "";
    expect(json).not.toMatch(/tunnel_secret|tunnel_cloudflared_token|"token"|TUNNEL_TOKEN/);
    expect(Object.keys(edge.data ?? {}).sort()).toEqual(["cloudflare_zone", "terraform_remote_state"]);
    for (const [name, output] of Object.entries(edge.output ?? {})) expect({ name, text: JSON.stringify(output.value) }).not.toEqual({ name, text: expect.stringMatching(/token|secret/i) });
  });

  it("an API token in the environment reaches no synthesized file", async () => {
    const canary = "cfut_canary0123456789abcdef0123456789abcdef0";
    process.env.TF_VAR_cloudflare_api_token = canary;
    try {
      const synth = synthApp(await exampleConfig());
      expect([...synth.files].filter(([, text]) => text.includes(canary)).map(([file]) => file)).toEqual([]);
    } finally {
      delete process.env.TF_VAR_cloudflare_api_token;
    }
  });
});

describe("edge stack: other configs", () => {
  it("is not synthesized without a cloudflare block", async () => {
    const withoutEdge = synthApp(await configFrom(EXAMPLE_SOURCE.replace(/^cloudflare = \{[\s\S]*?^\}\n/m, "")));
    expect(Object.keys(withoutEdge.stacks).sort()).toEqual(["data-production", "hosts-production", "main-production"]);
  });

  it("with enable_ipv6 = false the droplet gets an A record only; OVH hosts keep their AAAA", async () => {
    const noIpv6 = synthApp(await configFrom(EXAMPLE_SOURCE.replace("enable_ipv6       = true", "enable_ipv6       = false"))).stacks["edge-production"]!;
    expect(recordsNamed(noIpv6, "api.example.org").map((record) => record.type)).toEqual(["A"]);
    expect(recordsNamed(noIpv6, "blog.example.org").map((record) => record.type)).toEqual(["A", "AAAA"]);
  });

  it("without a record on the droplet it neither reads main's state nor depends on main", async () => {
    const source = EXAMPLE_SOURCE.replace(/^ {4}\{ name = "api\.example\.org".*\n/m, "");
    const synth = synthApp(await configFrom(source));
    const stack = synth.stacks["edge-production"]!;
    expect(recordsNamed(stack, "api.example.org")).toEqual([]);
    expect(stack.data?.terraform_remote_state).toBeUndefined();
    expect(dependenciesOf(synth.files, "edge-production")).toEqual([]);
  });

  it("without a tunnel: records only, no tunnel outputs", async () => {
    const source = EXAMPLE_SOURCE.replace(/^ {2}tunnel = \{[\s\S]*?^ {2}\}\n/m, "");
    const stack = synthApp(await configFrom(source)).stacks["edge-production"]!;
    expect(Object.keys(stack.resource ?? {})).toEqual(["cloudflare_dns_record"]);
    expect(Object.keys(stack.output ?? {}).sort()).toEqual(["dns_records", "hostnames"]);
  });
});

// ---- construct props refused at construction ----

function inStack<T>(build: (stack: TerraformStack) => T): T {
  return build(new TerraformStack(Testing.app(), "test"));
}

const ZONES = [{ name: "example.org", id: ORG_ZONE_ID }, { name: "example.net" }];
const recordsWith = (overrides: Partial<CloudflareRecordsProps>): CloudflareRecordsProps => ({
  zones: ZONES,
  records: [{ name: "blog.example.org", zone: "example.org", target: { kind: "addresses", ipv4: "198.51.100.20" } }],
  ...overrides,
});
const buildRecords = (props: CloudflareRecordsProps) => inStack((stack) => new CloudflareRecords(stack, "records", props));

describe("CloudflareRecords: refused props", () => {
  it("accepts the baseline, and Terraform references as addresses", () => {
    expect(() => buildRecords(recordsWith({}))).not.toThrow();
    const built = inStack((stack) => {
      const ipv4 = new TerraformVariable(stack, "ipv4", { type: "string" }).stringValue;
      const ipv6 = new TerraformVariable(stack, "ipv6", { type: "string" }).stringValue;
      return new CloudflareRecords(stack, "records", recordsWith({ records: [{ name: "api.example.org", zone: "example.org", target: { kind: "addresses", ipv4, ipv6 } }] }));
    });
    expect(built.entries.map((entry) => entry.type)).toEqual(["A", "AAAA"]);
  });

  it.each<[string, Partial<CloudflareRecordsProps>, RegExp]>([
    ["no zone", { zones: [] }, /zones = \[\]: expected at least one zone/],
    ["a zone name with a trailing dot", { zones: [{ name: "example.org." }] }, /zones\[\]\.name = "example\.org\.": expected a lowercase domain name/],
    ["a zone id that is not 32 hex digits", { zones: [{ name: "example.org", id: "zone-1" }] }, /zones\[example\.org\]\.id = "zone-1": expected a Cloudflare zone id/],
    ["a zone twice", { zones: [{ name: "example.org" }, { name: "example.org" }] }, /zones\[\]\.name = "example\.org": expected each zone once/],
    ["a record in an undeclared zone", { records: [{ name: "www.example.com", zone: "example.com", target: { kind: "cname", name: "example.org" } }] }, /records\[www\.example\.com\]\.zone = "example\.com": expected one of the zones \(example\.org, example\.net\)/],
    ["a record outside its zone", { records: [{ name: "www.example.com", zone: "example.org", target: { kind: "cname", name: "example.org" } }] }, /records\[www\.example\.com\]\.zone = "example\.org": expected the zone www\.example\.com is in/],
    ["an uppercase name", { records: [{ name: "Blog.example.org", zone: "example.org", target: { kind: "addresses", ipv4: "198.51.100.20" } }] }, /records\[\]\.name = "Blog\.example\.org"/],
    [
      "a name twice",
      {
        records: [
          { name: "www.example.org", zone: "example.org", target: { kind: "addresses", ipv4: "198.51.100.20" } },
          { name: "www.example.org", zone: "example.org", target: { kind: "cname", name: "blog.example.org" } },
        ],
      },
      /records\[\]\.name = "www\.example\.org": expected each name once/,
    ],
    ["a CNAME to itself", { records: [{ name: "www.example.org", zone: "example.org", target: { kind: "cname", name: "www.example.org" } }] }, /target\.name = "www\.example\.org": expected another name than the record's own/],
    ["a CNAME to a URL", { records: [{ name: "www.example.org", zone: "example.org", target: { kind: "cname", name: "https://example.org" } }] }, /target\.name = "https:\/\/example\.org": expected a lowercase domain name/],
    ["an IPv4 address with a prefix", { records: [{ name: "www.example.org", zone: "example.org", target: { kind: "addresses", ipv4: "198.51.100.20/32" } }] }, /target\.ipv4 = "198\.51\.100\.20\/32": expected one IPv4 address/],
    ["an IPv6 address as ipv4", { records: [{ name: "www.example.org", zone: "example.org", target: { kind: "addresses", ipv4: "2001:db8::1" } }] }, /target\.ipv4 = "2001:db8::1": expected one IPv4 address/],
    ["an IPv4 address as ipv6", { records: [{ name: "www.example.org", zone: "example.org", target: { kind: "addresses", ipv4: "198.51.100.20", ipv6: "198.51.100.21" } }] }, /target\.ipv6 = "198\.51\.100\.21": expected one IPv6 address/],
  ])("%s", (_what, overrides, message) => {
    expect(() => buildRecords(recordsWith(overrides))).toThrow(message);
    expect(() => buildRecords(recordsWith(overrides))).toThrow(/^test\/records: /);
  });
});

const tunnelWith = (overrides: Partial<CloudflareTunnelProps>): CloudflareTunnelProps => ({
  accountId: ACCOUNT_ID,
  name: "izzzi-production-core-prod",
  ingress: [{ hostname: "drive.example.net", zoneId: ORG_ZONE_ID, service: "http://localhost:8080" }],
  ...overrides,
});
const buildTunnel = (props: CloudflareTunnelProps) => inStack((stack) => new CloudflareTunnel(stack, "tunnel", props));

describe("CloudflareTunnel: refused props", () => {
  it("accepts the baseline, with a zone id reference", () => {
    expect(() => buildTunnel(tunnelWith({}))).not.toThrow();
    expect(() =>
      inStack((stack) => {
        const zoneId = new TerraformVariable(stack, "zone", { type: "string" }).stringValue;
        return new CloudflareTunnel(stack, "tunnel", tunnelWith({ ingress: [{ hostname: "drive.example.net", zoneId, service: "unix:///run/app.sock" }] }));
      }),
    ).not.toThrow();
  });

  it.each<[string, Partial<CloudflareTunnelProps>, RegExp]>([
    ["an account id that is not 32 hex digits", { accountId: "my-account" }, /accountId = "my-account": expected a Cloudflare account id/],
    ["a name with spaces", { name: "core prod" }, /name = "core prod": expected a tunnel name/],
    ["no ingress rule", { ingress: [] }, /ingress = \[\]: expected at least one hostname -> service rule/],
    ["a hostname with a wildcard", { ingress: [{ hostname: "*.example.net", zoneId: ORG_ZONE_ID, service: "http://localhost:8080" }] }, /ingress\[\]\.hostname = "\*\.example\.net"/],
    ["a service without a scheme", { ingress: [{ hostname: "drive.example.net", zoneId: ORG_ZONE_ID, service: "localhost:8080" }] }, /ingress\[drive\.example\.net\]\.service = "localhost:8080": expected an origin service/],
    ["a zone id that is not 32 hex digits", { ingress: [{ hostname: "drive.example.net", zoneId: "example.net", service: "http://localhost:8080" }] }, /ingress\[drive\.example\.net\]\.zoneId = "example\.net"/],
    [
      "a hostname twice",
      {
        ingress: [
          { hostname: "drive.example.net", zoneId: ORG_ZONE_ID, service: "http://localhost:8080" },
          { hostname: "drive.example.net", zoneId: ORG_ZONE_ID, service: "http://localhost:8081" },
        ],
      },
      /ingress\[\]\.hostname = "drive\.example\.net": expected each hostname once/,
    ],
  ])("%s", (_what, overrides, message) => {
    expect(() => buildTunnel(tunnelWith(overrides))).toThrow(message);
  });

  const serviceOf = (service: string, access?: CloudflareTunnelProps["ingress"][number]["access"], guardedPorts?: number[]) =>
    tunnelWith({ ingress: [{ hostname: "drive.example.net", zoneId: ORG_ZONE_ID, service, ...(access === undefined ? {} : { access }) }], ...(guardedPorts === undefined ? {} : { guardedPorts }) });

  it.each([
    ["a VPC address", "http://10.0.0.5:8080", "points at 10.0.0.5, off the tunnel's host"],
    ["a mesh peer by name", "http://core-prod.mesh:80", "points at core-prod.mesh, off the tunnel's host"],
    ["the metadata service", "http://169.254.169.254", "points at 169.254.169.254, off the tunnel's host"],
    ["an IPv6 address", "https://[2001:db8::1]:8443", "points at 2001:db8::1, off the tunnel's host"],
    ["SSH without Access", "ssh://localhost:22", "publishes a raw SSH stream to the whole internet"],
    ["SSH on another port without Access", "ssh://localhost:2222", "publishes a raw SSH stream to the whole internet"],
    ["raw TCP without Access", "tcp://localhost:9000", "publishes a raw TCP stream to the whole internet"],
    ["RDP without Access", "rdp://localhost:3389", "publishes a raw RDP stream to the whole internet"],
    ["PostgreSQL over HTTP without Access", "http://127.0.0.1:5432", "publishes port 5432 (SSH or an internal service) to the whole internet"],
    ["port 22 over HTTP without Access", "http://localhost:22", "publishes port 22 (SSH or an internal service) to the whole internet"],
  ])("refuses %s", (_what, service, problem) => {
    expect(() => buildTunnel(serviceOf(service))).toThrow(`test/tunnel: ingress[drive.example.net].service = ${JSON.stringify(service)}: expected a service on this host, and Cloudflare Access for SSH, raw streams and guarded ports: it ${problem}`);
  });

  it("refuses a declared internal port without Access, and any service off the host even with Access", () => {
    expect(() => buildTunnel(serviceOf("http://localhost:9000", undefined, [22, 9000]))).toThrow("publishes port 9000 (SSH or an internal service)");
    expect(() => buildTunnel(serviceOf("ssh://10.0.0.5:22", { allowedEmails: ["ops@example.org"], allowedEmailDomains: [], groupIds: [] }))).toThrow("points at 10.0.0.5, off the tunnel's host");
  });

  it.each<[string, CloudflareTunnelProps["ingress"][number]["access"], string]>([
    ["naming no one", { allowedEmails: [], allowedEmailDomains: [], groupIds: [] }, "expected at least one allowed e-mail, e-mail domain or Access group"],
    ["a malformed e-mail", { allowedEmails: ["ops at example.org"], allowedEmailDomains: [], groupIds: [] }, 'allowedEmails[] = "ops at example.org": expected an e-mail address'],
    ["an e-mail domain with @", { allowedEmails: [], allowedEmailDomains: ["@example.org"], groupIds: [] }, 'allowedEmailDomains[] = "@example.org": expected a lowercase e-mail domain'],
    ["a group id that is not a UUID", { allowedEmails: [], allowedEmailDomains: [], groupIds: ["admins"] }, 'groupIds[] = "admins": expected an Access group id'],
  ])("refuses an Access protection %s", (_what, access, message) => {
    expect(() => buildTunnel(serviceOf("ssh://localhost:22", access))).toThrow(message);
  });
});

describe("CloudflareTunnel: Cloudflare Access in front of SSH, raw TCP and internal ports", () => {
  const access = { allowedEmails: ["ops@example.org"], allowedEmailDomains: ["example.net"], groupIds: ["0f4e2c9a-7b1d-4e8a-9c3f-5d6b7a8e9f01"] };
  const stack = () =>
    JSON.parse(
      Testing.synth(
        inStack((scope) => {
          new CloudflareTunnel(scope, "tunnel", tunnelWith({ ingress: [
            { hostname: "ssh.example.net", zoneId: ORG_ZONE_ID, service: "ssh://localhost:22", access },
            { hostname: "drive.example.net", zoneId: ORG_ZONE_ID, service: "http://localhost:8080" },
          ] }));
          return scope;
        }),
      ),
    ) as TfJson;

  it("adds one self-hosted application for the hostname, with one allow policy naming exactly who may pass", () => {
    const synthesized = stack();
    const [policyId, policy] = onlyResource(synthesized, "cloudflare_zero_trust_access_policy");
    const [, application] = onlyResource(synthesized, "cloudflare_zero_trust_access_application");
    expect(policy).toEqual({
      account_id: ACCOUNT_ID,
      name: "izzzi-production-core-prod ssh.example.net (allowed people)",
      decision: "allow",
      include: [{ email: { email: "ops@example.org" } }, { email_domain: { domain: "example.net" } }, { group: { id: "0f4e2c9a-7b1d-4e8a-9c3f-5d6b7a8e9f01" } }],
    });
    expect(application).toEqual({
      account_id: ACCOUNT_ID,
      name: "izzzi-production-core-prod ssh.example.net",
      type: "self_hosted",
      domain: "ssh.example.net",
      session_duration: "24h",
      policies: [{ id: `\${cloudflare_zero_trust_access_policy.${policyId}.id}`, precedence: 1 }],
    });
  });
});

describe("EdgeStack: refused props", () => {
  it("needs the droplet's addresses when a record targets the digitalocean host", () => {
    expect(() => new EdgeStack(Testing.app(), "edge-production", { config })).toThrow(/edge-production: droplet = undefined: expected the droplet's addresses: a record targets the digitalocean host app/);
  });

  it("needs config.cloudflare", () => {
    const { cloudflare: _cloudflare, ...withoutCloudflare } = config;
    expect(() => new EdgeStack(Testing.app(), "edge-production", { config: withoutCloudflare })).toThrow(/config\.cloudflare = undefined: expected Cloudflare settings/);
  });
});

describe("edge stack snapshot (review a diff before updating: construct ids are a contract)", () => {
  it("edge-production", () => {
    expect(files.get("stacks/edge-production/cdk.tf.json")).toMatchSnapshot();
  });
});
