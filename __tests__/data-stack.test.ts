import type { Config } from "../config/config";
import { dataSourcesOf, exampleConfig, resourcesOf, synthApp, type TfJson } from "./helpers/synth";

let config: Config;
let main: TfJson;
let data: TfJson;

beforeAll(async () => {
  config = await exampleConfig();
  const { stacks } = synthApp(config);
  main = stacks["main-production"]!;
  data = stacks["data-production"]!;
});

const bucketNamed = (name: string): [string, Record<string, unknown>] => {
  const found = Object.entries(resourcesOf(data, "digitalocean_spaces_bucket")).find(([, bucket]) => bucket.name === name);
  if (found === undefined) throw new Error(`no bucket ${name}`);
  return found;
};

describe("data stack: Spaces buckets", () => {
  it("creates exactly the application environment's three buckets in the Spaces region", () => {
    const buckets = Object.values(resourcesOf(data, "digitalocean_spaces_bucket"));
    expect(buckets.map((bucket) => bucket.name).sort()).toEqual([
      "izzzi-production-assets",
      "izzzi-production-backups",
      "izzzi-production-terraform-state",
    ]);
    for (const bucket of buckets) expect(bucket).toMatchObject({ region: "fra1", force_destroy: false });
  });

  it("keeps the state bucket private, versioned and protected from destroy", () => {
    expect(bucketNamed("izzzi-production-terraform-state")[1]).toMatchObject({
      acl: "private",
      versioning: { enabled: true },
      lifecycle: { prevent_destroy: true },
    });
  });

  it("makes only the assets bucket public-read", () => {
    expect(bucketNamed("izzzi-production-backups")[1].acl).toBe("private");
    expect(bucketNamed("izzzi-production-assets")[1].acl).toBe("public-read");
    const publicBuckets = Object.values(resourcesOf(data, "digitalocean_spaces_bucket")).filter((bucket) => bucket.acl !== "private");
    expect(publicBuckets.map((bucket) => bucket.name)).toEqual(["izzzi-production-assets"]);
  });

  it("uses spaces_region when it differs from region", () => {
    const stack = synthApp({ ...config, region: "nyc1", spacesRegion: "nyc3" }).stacks["data-production"]!;
    for (const bucket of Object.values(resourcesOf(stack, "digitalocean_spaces_bucket"))) expect(bucket.region).toBe("nyc3");
  });
});

describe("data stack: one scoped key per bucket (one user per bucket)", () => {
  it("grants each key read/write on its own bucket and nothing else", () => {
    const keys = Object.values(resourcesOf(data, "digitalocean_spaces_key"));
    expect(keys).toHaveLength(3);
    for (const [bucketId, bucket] of Object.entries(resourcesOf(data, "digitalocean_spaces_bucket"))) {
      const key = keys.find((candidate) => candidate.name === `${String(bucket.name)}-rw`);
      expect(key?.grant).toEqual([{ bucket: `\${digitalocean_spaces_bucket.${bucketId}.name}`, permission: "readwrite" }]);
    }
  });

  it("outputs secret keys only as sensitive outputs", () => {
    const outputs = data.output ?? {};
    const secretOutputs = Object.entries(outputs).filter(([, output]) => JSON.stringify(output.value).includes(".secret_key}"));
    expect(secretOutputs.map(([name]) => name).sort()).toEqual(["assets_secret_key", "backups_secret_key", "terraform_state_secret_key"]);
    for (const [, output] of secretOutputs) expect(output.sensitive).toBe(true);
  });
});

describe("data stack: credentials and state", () => {
  it("takes the token and Spaces admin credentials from sensitive variables", () => {
    expect(data.provider?.digitalocean).toEqual([
      { token: "${var.do_token}", spaces_access_id: "${var.spaces_access_id}", spaces_secret_key: "${var.spaces_secret_key}" },
    ]);
    for (const name of ["do_token", "spaces_access_id", "spaces_secret_key"]) {
      expect(data.variable?.[name]).toMatchObject({ type: "string", sensitive: true });
    }
  });

  it("keeps its own relative local state", () => {
    expect(data.terraform.backend).toEqual({ local: { path: "../../../terraform.data-production.tfstate" } });
  });
});

describe("cross-stack reference data -> main (the project id)", () => {
  it("reads main's state through terraform_remote_state at main's own state path", () => {
    const remote = Object.values(dataSourcesOf(data, "terraform_remote_state"));
    expect(remote).toEqual([
      { backend: "local", config: { path: main.terraform.backend?.local?.path }, workspace: "${terraform.workspace}" },
    ]);
  });

  it("puts the buckets into main's project through an output of main", () => {
    const [association] = Object.values(resourcesOf(data, "digitalocean_project_resources"));
    const remoteName = Object.keys(dataSourcesOf(data, "terraform_remote_state"))[0]!;
    const match = new RegExp(`^\\$\\{data\\.terraform_remote_state\\.${remoteName}\\.outputs\\.([^}]+)\\}$`).exec(String(association?.project));
    expect(match).not.toBeNull();
    const [projectId] = Object.keys(resourcesOf(main, "digitalocean_project"));
    expect(main.output?.[match![1]!]).toEqual({ sensitive: true, value: `\${digitalocean_project.${projectId}.id}` });
    expect((association?.resources as string[]).length).toBe(3);
  });

  it("is declared as a dependency in the manifest, so deploy runs main first", () => {
    const { files } = synthApp(config);
    const manifest = JSON.parse(files.get("manifest.json")!) as { stacks: Record<string, { dependencies: string[] }> };
    expect(manifest.stacks["data-production"]!.dependencies).toEqual(["main-production"]);
    expect(manifest.stacks["main-production"]!.dependencies).toEqual([]);
  });
});

describe("without create_spaces", () => {
  it("synthesizes no data stack", () => {
    expect(Object.keys(synthApp({ ...config, createSpaces: false }).stacks).sort()).toEqual(["edge-production", "hosts-production", "main-production"]);
  });

  it("names stacks after the environment", () => {
    expect(Object.keys(synthApp({ ...config, environment: "staging" }).stacks).sort()).toEqual(["data-staging", "edge-staging", "hosts-staging", "main-staging"]);
  });
});
