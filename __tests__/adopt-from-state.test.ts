import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { adoptionFromState, AmbiguousStateError, parseState, StateFormatError, type StateResource, type TerraformStateV4 } from "../config/adopt-from-state";
import { importsFor } from "../stacks/adoption";
import { configFrom, EXAMPLE_SOURCE, REPO_ROOT } from "./helpers/synth";

const FIXTURE_DIR = path.join("__tests__", "fixtures", "hand-written-modules");
const STATE_FILE = path.join(FIXTURE_DIR, "terraform-state-v4.json");
const STATE_TEXT = readFileSync(path.join(REPO_ROOT, STATE_FILE), "utf8");
const state = () => parseState(STATE_TEXT, "terraform.tfstate");
/** Planted in the fixture state: no output may contain it. */
const SECRET_CANARY = ["SPACES-SECRET-CANARY", "never-printed-0001"].join("-");

function runAdopt(args: readonly string[]) {
  const result = spawnSync(process.execPath, ["scripts/adopt.js", ...args], { cwd: REPO_ROOT, encoding: "utf8" });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const EXPECTED_BLOCK = `# Objects of terraform.tfstate (serial 12) to adopt: paste into terraform.tfvars (docs/adopting.md).
adopt = {
  droplet = 412345678 # module.droplet.digitalocean_droplet.app (izzzi-production-app); region fra1, image ubuntu-24-04-x64, size s-2vcpu-4gb, monitoring true, backups false, ipv6 true: keep region, image and monitoring the same in the tfvars (a difference replaces the droplet)
  vpc = "6b9f1d2e-3c4a-4b5d-8e6f-7a8b9c0d1e2f" # module.networking.digitalocean_vpc.main (izzzi-production-vpc)
  ssh_key = 41234567 # module.droplet.digitalocean_ssh_key.main[0] (izzzi-deploy-key); set ssh_key_name = "izzzi-deploy-key" and ssh_public_key to this key (another key replaces it)
  domain = "example.com" # digitalocean_domain.main
  firewalls = {
    web = "d5a0c1e2-0b1c-4d2e-9f3a-4b5c6d7e8f01" # module.firewall.digitalocean_firewall.web (izzzi-production-fw-web)
    internal = "d5a0c1e2-0b1c-4d2e-9f3a-4b5c6d7e8f02" # module.firewall.digitalocean_firewall.internal (izzzi-production-fw-internal)
    management = "d5a0c1e2-0b1c-4d2e-9f3a-4b5c6d7e8f03" # module.firewall.digitalocean_firewall.management (izzzi-production-fw-management)
  }
  records = {
    "@" = {
      A = 90000001 # module.dns[0].digitalocean_record.root[0] (example.com A)
    }
    api = {
      A = 90000003 # module.dns[0].digitalocean_record.api[0] (api.example.com A)
    }
    www = {
      A = 90000002 # module.dns[0].digitalocean_record.www[0] (www.example.com A)
    }
  }
  spaces_buckets = [
    "izzzi-production-terraform-state", # module.spaces[0].digitalocean_spaces_bucket.terraform_state (fra1)
    "izzzi-production-backups", # module.spaces[0].digitalocean_spaces_bucket.backups (fra1)
    "izzzi-production-assets", # module.spaces[0].digitalocean_spaces_bucket.assets (fra1)
  ]
}
`;

describe("adopt from the hand-written modules' state", () => {
  it("matches every object of the module layout to its resource here, by type and name", () => {
    expect(adoptionFromState(state(), "terraform.tfstate").block).toBe(EXPECTED_BLOCK);
  });

  it("lists what it leaves out, with the reason", () => {
    expect(adoptionFromState(state(), "terraform.tfstate").unmatched).toEqual([
      "module.droplet.data.digitalocean_ssh_keys.all: a data source, nothing to adopt",
      "module.droplet.digitalocean_project_resources.droplet[0]: project assignments cannot be imported; the stacks create their own (assigning again is harmless). The objects are in project 245bcfd0-7f31-4ce6-a2bc-475a116cca97: set do_project_id to it to keep using it, or adopt.project to manage it",
      'module.firewall.digitalocean_tag.firewall_tags["firewall:internal"]: tags are not managed by these stacks (droplets get theirs from common_tags); the tag stays in DigitalOcean',
      'module.firewall.digitalocean_tag.firewall_tags["firewall:management"]: tags are not managed by these stacks (droplets get theirs from common_tags); the tag stays in DigitalOcean',
      'module.firewall.digitalocean_tag.firewall_tags["firewall:web"]: tags are not managed by these stacks (droplets get theirs from common_tags); the tag stays in DigitalOcean',
      "module.spaces[0].digitalocean_spaces_key.ci: Spaces keys cannot be adopted (DigitalOcean never returns a key's secret); the data stack creates a new key per bucket",
    ]);
  });

  it("accounts for every instance of the state: adopted (one line each) or listed as left out", () => {
    const { block, unmatched } = adoptionFromState(state(), "terraform.tfstate");
    const instances = state().resources.reduce((sum, resource) => sum + resource.instances.length, 0);
    const adopted = block.split("\n").filter((line) => / # (module\.|digitalocean_)/.test(line)).length;
    expect(adopted + unmatched.length).toBe(instances);
  });

  it("the block pasted into the example config is valid and imports each object at its address", async () => {
    const config = await configFrom(`${EXAMPLE_SOURCE}\n${EXPECTED_BLOCK}`);
    expect(importsFor(config).map(({ address, id }) => `${address} <- ${id}`)).toEqual([
      "digitalocean_vpc.main <- 6b9f1d2e-3c4a-4b5d-8e6f-7a8b9c0d1e2f",
      "digitalocean_ssh_key.main <- 41234567",
      "digitalocean_droplet.app <- 412345678",
      "digitalocean_firewall.web <- d5a0c1e2-0b1c-4d2e-9f3a-4b5c6d7e8f01",
      "digitalocean_firewall.internal <- d5a0c1e2-0b1c-4d2e-9f3a-4b5c6d7e8f02",
      "digitalocean_firewall.management <- d5a0c1e2-0b1c-4d2e-9f3a-4b5c6d7e8f03",
      "digitalocean_domain.main <- example.com",
      "digitalocean_record.apex_a <- example.com,90000001",
      "digitalocean_record.api_a <- example.com,90000003",
      "digitalocean_record.www_a <- example.com,90000002",
      "digitalocean_spaces_bucket.terraform_state <- fra1,izzzi-production-terraform-state",
      "digitalocean_spaces_bucket.backups <- fra1,izzzi-production-backups",
      "digitalocean_spaces_bucket.assets <- fra1,izzzi-production-assets",
    ]);
  });

  it("adopts a domain the records were added to when the state does not hold it (made in the console)", () => {
    const withoutDomain = { ...state(), resources: state().resources.filter((resource) => resource.type !== "digitalocean_domain") };
    expect(adoptionFromState(withoutDomain, "s").block).toContain('  domain = "example.com" # not in the state: its records were added to a domain made elsewhere');
  });

  it("a second object for one place is left out, naming the first", () => {
    const droplet = state().resources.find((resource) => resource.type === "digitalocean_droplet") as StateResource;
    const twice: TerraformStateV4 = { ...state(), resources: [...state().resources, { ...droplet, module: "module.old" }] };
    expect(adoptionFromState(twice, "s").unmatched).toContain(
      "module.old.digitalocean_droplet.app: module.droplet.digitalocean_droplet.app already gives adopt.droplet; only one object can be adopted there",
    );
  });

  it("refuses a state holding several environments unless --prefix names one, and adopts nothing of the others", () => {
    const renamed = (resource: StateResource): StateResource => ({
      ...resource,
      module: `module.dev_${resource.module ?? "root"}`,
      instances: resource.instances.map((instance) => ({
        ...instance,
        attributes: { ...instance.attributes, ...(typeof instance.attributes?.name === "string" ? { name: String(instance.attributes.name).replace("izzzi-production-", "izzzi-dev-") } : {}) },
      })),
    });
    const twoEnvironments: TerraformStateV4 = { ...state(), resources: [...state().resources.map(renamed), ...state().resources] };
    expect(() => adoptionFromState(twoEnvironments, "s")).toThrow(AmbiguousStateError);
    expect(() => adoptionFromState(twoEnvironments, "s")).toThrow("s holds objects of 2 environments (izzzi-dev, izzzi-production): choose the one to adopt with --prefix <project>-<environment>");
    const production = adoptionFromState(twoEnvironments, "s", { prefix: "izzzi-production" });
    // Objects named for an environment come from the chosen one only (the SSH key and the domain carry no environment in their names).
    expect(production.block).not.toContain("izzzi-dev-");
    expect(production.block).toMatch(/ {2}droplet = \d+ # module\.droplet\.digitalocean_droplet\.app/);
    expect(production.unmatched.some((line) => line.startsWith("module.dev_module.droplet.digitalocean_droplet.app: a droplet not named"))).toBe(true);
  });

  it("objects made for Cloudflare outside these stacks: records by full name and type, the tunnel and its configuration", async () => {
    const cloudflare: TerraformStateV4 = {
      version: 4,
      resources: [
        { mode: "managed", type: "cloudflare_dns_record", name: "blog", instances: [{ attributes: { id: "372e67954025e0ba6aaa6d586b9e0b59", name: "blog.example.org", type: "A", zone_id: "023e105f4ecef8ad9ca31a8372d0c353" } }] },
        { mode: "managed", type: "cloudflare_dns_record", name: "mx", instances: [{ attributes: { id: "372e67954025e0ba6aaa6d586b9e0b61", name: "example.org", type: "MX" } }] },
        { mode: "managed", type: "cloudflare_zero_trust_tunnel_cloudflared", name: "core", instances: [{ attributes: { id: "c1744f8b-faa1-48a4-9e5c-02ac921467fa", name: "izzzi-production-core-prod", config_src: "cloudflare" } }] },
        { mode: "managed", type: "cloudflare_zero_trust_tunnel_cloudflared_config", name: "core", instances: [{ attributes: { id: "c1744f8b-faa1-48a4-9e5c-02ac921467fa" } }] },
      ],
    };
    const { block, unmatched } = adoptionFromState(cloudflare, "cloudflare.tfstate");
    expect(block).toBe(`# Objects of cloudflare.tfstate to adopt: paste into terraform.tfvars (docs/adopting.md).
adopt = {
  cloudflare_records = {
    "blog.example.org" = {
      A = "372e67954025e0ba6aaa6d586b9e0b59" # cloudflare_dns_record.blog (zone 023e105f4ecef8ad9ca31a8372d0c353)
    }
  }
  cloudflare_tunnel = "c1744f8b-faa1-48a4-9e5c-02ac921467fa" # cloudflare_zero_trust_tunnel_cloudflared.core (izzzi-production-core-prod); config_src cloudflare
  cloudflare_tunnel_config = true # cloudflare_zero_trust_tunnel_cloudflared_config.core
}
`);
    expect(unmatched).toEqual(['cloudflare_dns_record.mx: a MX record "example.org"; these stacks manage A, AAAA and CNAME records by full name']);
    const config = await configFrom(`${EXAMPLE_SOURCE}\n${block}`);
    expect(importsFor(config).map(({ address }) => address)).toEqual([
      "cloudflare_dns_record.blog_example_org_a",
      "cloudflare_zero_trust_tunnel_cloudflared.main",
      "cloudflare_zero_trust_tunnel_cloudflared_config.main",
    ]);
  });

  it.each([
    ["not JSON", "{", "s.tfstate: not a Terraform state (not JSON)"],
    ["an older format", '{"version": 3, "modules": []}', 's.tfstate: expected a Terraform state of format version 4 (Terraform >= 0.12: "version": 4 and a "resources" list)'],
    ["null", "null", 's.tfstate: expected a Terraform state of format version 4 (Terraform >= 0.12: "version": 4 and a "resources" list)'],
  ])("refuses %s", (_what, text, message) => {
    expect(() => parseState(text, "s.tfstate")).toThrow(new StateFormatError(message));
  });
});

describe("npm run adopt", () => {
  it("prints the block on stdout, what it left out on stderr, and never a secret attribute", () => {
    const run = runAdopt(["--from-state", STATE_FILE]);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(EXPECTED_BLOCK.replace("Objects of terraform.tfstate", `Objects of ${STATE_FILE}`));
    expect(run.stderr).toMatch(/^not adopted \(6\):\n {2}module\.droplet\.data\.digitalocean_ssh_keys\.all: /);
    expect(STATE_TEXT).toContain(SECRET_CANARY);
    expect(`${run.stdout}${run.stderr}`).not.toContain(SECRET_CANARY);
    expect(`${run.stdout}${run.stderr}`).not.toContain(REPO_ROOT);
  });

  it.each([
    [["--from"], "error: Unknown option '--from'"],
    [[], "error: --from-state <terraform.tfstate> is required"],
    [["--from-state", "missing.tfstate"], "error: missing.tfstate: file not found"],
    [["--from-state", STATE_FILE, "extra"], "error: Unexpected argument 'extra'"],
  ])("refuses %j", (args, message) => {
    const run = runAdopt(args);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr.split("\n")[0]).toContain(message);
  });
});
