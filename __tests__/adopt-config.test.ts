import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "@cdktf/hcl2json";
import { TerraformStack } from "cdktf";
import { BUCKET_SUFFIXES, DIGITALOCEAN_RECORD_NAMES } from "../config/adopt-schema";
import type { Config } from "../config/config";
import { DEFAULT_RECORD_NAMES } from "../constructs/dns";
import { STANDARD_BUCKETS } from "../constructs/spaces";
import { adoptionNotes, importsFor } from "../stacks/adoption";
import { buildApp } from "../stacks/app";
import { renderReviewHcl } from "../stacks/review-hcl";
import { copyProject, runApp } from "./helpers/project-copy";
import { configFrom, EXAMPLE_SOURCE, REPO_ROOT, resourcesOf, synthApp, withSetting, type SynthResult, type TfJson } from "./helpers/synth";

const ADOPT_BLOCK = readFileSync(path.join(REPO_ROOT, "__tests__", "fixtures", "adopt", "example-adopt.hcl"), "utf8");
const withAdopt = (block: string, source = EXAMPLE_SOURCE) => `${source}\n${block}`;
type Imports = { import?: { to: string; id: string }[] };
const importsOf = (stack: TfJson | undefined) => ((stack as Imports | undefined)?.import ?? []).map(({ to, id }) => `${to} <- ${id}`);

/** The error message of a config, or "" when it is valid. */
async function refusal(source: string): Promise<string> {
  try {
    await configFrom(source);
    return "";
  } catch (error) {
    return (error as Error).message;
  }
}

describe("adopting existing objects by id", () => {
  let config: Config;
  let synth: SynthResult;
  beforeAll(async () => {
    config = await configFrom(withAdopt(ADOPT_BLOCK));
    synth = synthApp(config);
  });

  it("the main stack imports exactly the adopted objects, with each provider's import id format", () => {
    expect(importsOf(synth.stacks["main-production"])).toEqual([
      "digitalocean_vpc.main <- 506f78a4-e098-11e5-ad9f-000f53306ae1",
      "digitalocean_project.main <- 245bcfd0-7f31-4ce6-a2bc-475a116cca97",
      "digitalocean_ssh_key.main <- 41234567",
      "digitalocean_droplet.app <- 412345678",
      "digitalocean_firewall.web <- b8ecd2ab-2267-4a5e-8692-cbf1d32583e3",
      "digitalocean_firewall.internal <- b8ecd2ab-2267-4a5e-8692-cbf1d32583e4",
      "digitalocean_firewall.management <- b8ecd2ab-2267-4a5e-8692-cbf1d32583e5",
      "digitalocean_domain.main <- example.com",
      "digitalocean_record.apex_a <- example.com,12345678",
      "digitalocean_record.api_a <- example.com,12345680",
      "digitalocean_record.www_a <- example.com,12345679",
    ]);
  });

  it("Spaces buckets are imported as <region>,<name>", () => {
    expect(importsOf(synth.stacks["data-production"])).toEqual([
      "digitalocean_spaces_bucket.terraform_state <- fra1,izzzi-production-terraform-state",
      "digitalocean_spaces_bucket.backups <- fra1,izzzi-production-backups",
      "digitalocean_spaces_bucket.assets <- fra1,izzzi-production-assets",
    ]);
  });

  it("Cloudflare records as <zone id>/<record id>, the tunnel and its configuration as <account id>/<tunnel id>", () => {
    expect(importsOf(synth.stacks["edge-production"])).toEqual([
      "cloudflare_dns_record.blog_example_org_a <- 023e105f4ecef8ad9ca31a8372d0c353/372e67954025e0ba6aaa6d586b9e0b59",
      "cloudflare_dns_record.blog_example_org_aaaa <- 023e105f4ecef8ad9ca31a8372d0c353/372e67954025e0ba6aaa6d586b9e0b60",
      "cloudflare_zero_trust_tunnel_cloudflared.main <- 699d98642c564d2e855e9661899b7252/c1744f8b-faa1-48a4-9e5c-02ac921467fa",
      "cloudflare_zero_trust_tunnel_cloudflared_config.main <- 699d98642c564d2e855e9661899b7252/c1744f8b-faa1-48a4-9e5c-02ac921467fa",
    ]);
    expect(importsOf(synth.stacks["hosts-production"])).toEqual([]);
  });

  it("every import targets a resource of its stack", () => {
    for (const stack of Object.values(synth.stacks)) {
      for (const { to } of (stack as Imports).import ?? []) {
        const [type, name] = to.split(".") as [string, string];
        expect(Object.keys(resourcesOf(stack, type))).toContain(name);
      }
    }
  });

  it("an adopted droplet ignores its user data and SSH keys, which DigitalOcean does not return and which would replace it", () => {
    const droplet = resourcesOf(synth.stacks["main-production"] as TfJson, "digitalocean_droplet").app;
    expect(droplet?.lifecycle).toEqual({ create_before_destroy: true, ignore_changes: ["ssh_keys", "user_data"] });
  });

  it("without adopt, nothing is imported and the droplet ignores its user data and SSH keys as always", async () => {
    const plain = synthApp(await configFrom(EXAMPLE_SOURCE));
    for (const stack of Object.values(plain.stacks)) expect(importsOf(stack)).toEqual([]);
    // Every droplet ignores ssh_keys (key rotation goes over SSH, docs/key-rotation.md), adopted or not.
    expect(resourcesOf(plain.stacks["main-production"] as TfJson, "digitalocean_droplet").app?.lifecycle).toEqual({ create_before_destroy: true, ignore_changes: ["ssh_keys", "user_data"] });
  });

  it("notes say what is imported and what is created new, and why", () => {
    const notes = adoptionNotes(config).map((note) => `${note.stack}: ${note.text}`);
    expect(notes.filter((note) => note.includes(": import "))).toHaveLength(importsFor(config).length);
    expect(notes).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^main: digitalocean_droplet\.app keeps the user data and SSH keys/),
        expect.stringMatching(/^main: digitalocean_project_resources\.droplet is created: the provider cannot import project assignments/),
        expect.stringMatching(/^data: digitalocean_spaces_key\.terraform_state is a new key: DigitalOcean never returns an existing key's secret/),
        expect.stringMatching(/^edge: cloudflare_zero_trust_tunnel_cloudflared\.main must be remotely managed/),
      ]),
    );
  });

  it("the notes reach each stack's README", () => {
    expect(synth.files.get("stacks/data-production/README.md")).toContain("Adoption: digitalocean_spaces_key.assets is a new key");
    expect(synth.files.get("stacks/main-production/README.md")).toContain("Adoption: import digitalocean_droplet.app (id 412345678)");
  });

  it("the review HCL holds the same import blocks as the JSON", async () => {
    const app = buildApp(config, { outdir: path.join(synth.root, "hcl-check") });
    for (const stack of app.node.children.filter((child): child is TerraformStack => child instanceof TerraformStack)) {
      const parsed = (await parse("main.tf", await renderReviewHcl(stack))) as { import?: { to: string; id: string }[] };
      const fromHcl = (parsed.import ?? []).map(({ to, id }) => `${to.replace(/^\$\{(.*)\}$/, "$1")} <- ${id}`);
      expect(fromHcl).toEqual(importsOf(synth.stacks[stack.node.id]));
    }
  });

  it("npm run synth prints the adoption notes after the summary", () => {
    const dir = copyProject();
    writeFileSync(path.join(dir, "terraform.tfvars"), withAdopt(ADOPT_BLOCK));
    const run = runApp(dir);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("\nadoption (docs/adopting.md):\n  main-production: import digitalocean_vpc.main (id 506f78a4-e098-11e5-ad9f-000f53306ae1)\n");
    expect(run.stdout).toContain("\n  data-production: digitalocean_spaces_key.assets is a new key: DigitalOcean never returns an existing key's secret");
  });

  it("an SSH key given by fingerprint is used as it is: no key resource, no lookup, no import", async () => {
    const fingerprint = "3b:16:bf:e4:8b:00:8b:b8:59:8c:a9:d3:f0:19:45:fa";
    const source = withAdopt(`adopt = {\n  ssh_key = "${fingerprint}"\n}\n`);
    const adopted = await configFrom(source);
    const main = synthApp(adopted).stacks["main-production"] as TfJson;
    expect(Object.keys(resourcesOf(main, "digitalocean_ssh_key"))).toEqual([]);
    expect(main.data?.digitalocean_ssh_key).toBeUndefined();
    expect(resourcesOf(main, "digitalocean_droplet").app?.ssh_keys).toEqual([fingerprint]);
    expect(importsOf(main)).toEqual([]);
    expect(adoptionNotes(adopted).map((note) => note.text)).toEqual([expect.stringContaining(`the SSH key ${fingerprint} is used as it is, not managed`)]);
  });

  it("tunnel configuration can be left out of the adoption", async () => {
    const adopted = await configFrom(withAdopt('adopt = {\n  cloudflare_tunnel = "c1744f8b-faa1-48a4-9e5c-02ac921467fa"\n  cloudflare_tunnel_config = false\n}\n'));
    expect(importsFor(adopted).map((spec) => spec.address)).toEqual(["cloudflare_zero_trust_tunnel_cloudflared.main"]);
  });

  it("the record names and bucket suffixes adoption checks against are the ones the constructs create", () => {
    expect([...DIGITALOCEAN_RECORD_NAMES]).toEqual([...DEFAULT_RECORD_NAMES]);
    expect([...BUCKET_SUFFIXES]).toEqual(STANDARD_BUCKETS.map((bucket) => bucket.suffix));
  });
});

describe("refused adoptions (file:line, key, value, what was expected)", () => {
  const line = (source: string, text: string) => source.split("\n").findIndex((candidate) => candidate.includes(text)) + 1;

  it.each([
    ["droplet", "droplet = \"12ab\"", 'adopt.droplet = "12ab": expected the droplet\'s numeric id, e.g. 412345678 (doctl shows it in the ID column)'],
    ["vpc", 'vpc = "not-a-uuid"', 'adopt.vpc = "not-a-uuid": expected the VPC\'s id, a lowercase UUID such as 506f78a4-e098-11e5-ad9f-000f53306ae1'],
    ["ssh_key", 'ssh_key = "SHA256:abc"', 'adopt.ssh_key = "SHA256:abc": expected the SSH key\'s numeric id (e.g. 41234567) or its MD5 fingerprint (16 colon-separated hex pairs)'],
    ["firewall", 'firewalls = { web = "B8ECD2AB-2267-4A5E-8692-CBF1D32583E3" }', "adopt.firewalls.web = \"B8ECD2AB-2267-4A5E-8692-CBF1D32583E3\": expected the web firewall's id, a lowercase UUID"],
    ["cloudflare record id", 'cloudflare_records = { "blog.example.org" = { A = "1234" } }', 'adopt.cloudflare_records."blog.example.org".A = "1234": expected a Cloudflare record id (32 lowercase hex digits)'],
  ])("a malformed %s id", async (_what, entry, expected) => {
    const source = withAdopt(`adopt = {\n  ${entry}\n}\n`);
    const message = await refusal(source);
    expect(message).toMatch(new RegExp(`terraform\\.tfvars:${line(source, entry)}:\\d+: `));
    expect(message).toContain(expected);
  });

  it.each([
    ["a record the config does not declare", 'records = { mail = { A = 1 } }', 'adopt.records.mail = {"A":1}: is not a record the config creates; expected one of "@", "www", "api"'],
    ["an AAAA record without IPv6", 'records = { www = { AAAA = 1 } }', "adopt.records.www.AAAA = 1: cannot be adopted: enable_ipv6 = false, so no AAAA record is created"],
    ["a mesh firewall without a mesh", 'firewalls = { mesh = "b8ecd2ab-2267-4a5e-8692-cbf1d32583e3" }', "adopt.firewalls.mesh = \"b8ecd2ab-2267-4a5e-8692-cbf1d32583e3\": cannot be adopted: the droplet is not in a WireGuard mesh"],
    ["another domain", 'domain = "example.net"', "adopt.domain = \"example.net\": expected domain_name (example.com): only that domain is created"],
    ["a bucket the config does not create", 'spaces_buckets = ["izzzi-production-logs"]', 'adopt.spaces_buckets[0] = "izzzi-production-logs": is not a bucket the config creates; expected one of izzzi-production-terraform-state, izzzi-production-backups, izzzi-production-assets'],
    ["a Cloudflare record the config does not declare", 'cloudflare_records = { "shop.example.org" = { A = "372e67954025e0ba6aaa6d586b9e0b59" } }', 'adopt.cloudflare_records."shop.example.org" = {"A":"372e67954025e0ba6aaa6d586b9e0b59"}: is not a record the config creates'],
    ["a CNAME for a name that has A records", 'cloudflare_records = { "blog.example.org" = { CNAME = "372e67954025e0ba6aaa6d586b9e0b59" } }', 'adopt.cloudflare_records."blog.example.org".CNAME = "372e67954025e0ba6aaa6d586b9e0b59": cannot be adopted: the config gives blog.example.org A and AAAA only'],
    ["a record in a zone looked up by name", 'cloudflare_records = { "mail.example.net" = { A = "372e67954025e0ba6aaa6d586b9e0b59" } }', 'needs the id of its zone to be imported (<zone id>/<record id>): set cloudflare.zones["example.net"].id'],
    ["a tunnel configuration without its tunnel", "cloudflare_tunnel_config = true", "adopt.cloudflare_tunnel_config = true: needs cloudflare_tunnel"],
    ["a droplet without its VPC (a new VPC would replace it)", "droplet = 412345678", "adopt.droplet = 412345678: cannot be adopted without its VPC: the droplet's vpc_uuid would point at a new VPC"],
    ["an unknown key", 'dropplet = 1', 'adopt.dropplet'],
  ])("%s", async (_what, entry, expected) => {
    // The droplet leaves the mesh: no mesh firewall.
    const base = withSetting(EXAMPLE_SOURCE, "enable_ipv6", "false").replace('    mesh_address         = "10.8.0.3"\n', "").replace(/ {4}wireguard_public_key = "k0yV[^\n]*\n/, "");
    const source = withAdopt(`adopt = {\n  ${entry}\n}\n`, base);
    const message = await refusal(source);
    expect(message).toContain(expected);
    expect(message).toMatch(/terraform\.tfvars:\d+:\d+: adopt/);
  });

  it("the domain, project and SSH key cannot be adopted when the config only reads them", async () => {
    const source = withAdopt(
      'adopt = {\n  domain = "example.com"\n  project = "245bcfd0-7f31-4ce6-a2bc-475a116cca97"\n  ssh_key = 41234567\n}\n',
      [
        ["manage_domain", "false"],
        ["do_project_id", '"245bcfd0-7f31-4ce6-a2bc-475a116cca97"'],
        ["use_existing_ssh_key", "true"],
      ].reduce((text, [key, value]) => withSetting(text, key as string, value), EXAMPLE_SOURCE),
    );
    const message = await refusal(source);
    expect(message).toContain("adopt.domain = \"example.com\": cannot be adopted: manage_domain = false reads the domain without managing it");
    expect(message).toContain("adopt.project = \"245bcfd0-7f31-4ce6-a2bc-475a116cca97\": cannot be adopted: do_project_id (245bcfd0-7f31-4ce6-a2bc-475a116cca97) uses an existing project without managing it");
    expect(message).toContain("adopt.ssh_key = 41234567: cannot be adopted: use_existing_ssh_key = true looks the key up by name");
  });
});
