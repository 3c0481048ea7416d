import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import S3rver from "s3rver";
import type { Config } from "../config/config";
import { configFrom, EXAMPLE_SOURCE, exampleConfig, resourcesOf, synthApp, withSetting, type TfJson } from "./helpers/synth";
import { describeWithTerraform } from "./helpers/terraform";
import { terraform } from "./helpers/terraform-async";

let config: Config;
let main: TfJson;
let data: TfJson;

beforeAll(async () => {
  config = await configFrom(withSetting(EXAMPLE_SOURCE, "state_backend", '"spaces"'));
  const { stacks } = synthApp(config);
  main = stacks["main-production"]!;
  data = stacks["data-production"]!;
});

const SPACES_BACKEND = {
  bucket: "izzzi-production-terraform-state",
  region: "us-east-1",
  endpoints: { s3: "https://fra1.digitaloceanspaces.com" },
  skip_credentials_validation: true,
  skip_region_validation: true,
  skip_requesting_account_id: true,
  skip_metadata_api_check: true,
  skip_s3_checksum: true,
  use_lockfile: true,
};

describe("state_backend = spaces", () => {
  it("keeps each stack's state under its own key in the Spaces state bucket, with S3-native locking", () => {
    expect(main.terraform.backend).toEqual({ s3: { ...SPACES_BACKEND, key: "main-production/terraform.tfstate" } });
    expect(data.terraform.backend).toEqual({ s3: { ...SPACES_BACKEND, key: "data-production/terraform.tfstate" } });
  });

  it("reads main's outputs from the bucket for the cross-stack reference", () => {
    // Reading needs neither the lock file nor upload checksums, so those two stay backend-only.
    const { skip_s3_checksum: _checksum, use_lockfile: _lock, ...readSettings } = SPACES_BACKEND;
    expect(Object.values(data.data?.terraform_remote_state ?? {})).toEqual([
      { backend: "s3", config: { ...readSettings, key: "main-production/terraform.tfstate" }, workspace: "${terraform.workspace}" },
    ]);
  });

  it("uses the Spaces region's endpoint", async () => {
    const elsewhere = synthApp({ ...config, region: "nyc1", spacesRegion: "nyc3" }).stacks["main-production"]!;
    expect((elsewhere.terraform.backend as Record<string, { endpoints?: unknown }>).s3?.endpoints).toEqual({ s3: "https://nyc3.digitaloceanspaces.com" });
  });

  it("is off by default: local relative state", async () => {
    expect(synthApp(await exampleConfig()).stacks["main-production"]!.terraform.backend).toEqual({
      local: { path: "../../../terraform.main-production.tfstate" },
    });
  });
});

describeWithTerraform("state in an S3-compatible server, through real Terraform core", () => {
  // s3rver on loopback stands in for Spaces. The roots below keep the synthesized backend and
  // remote-state blocks exactly and use Terraform's built-in terraform_data resource, so no
  // provider download is needed; only the endpoint is redirected to the local server.
  const credentials = { AWS_ACCESS_KEY_ID: "S3RVER", AWS_SECRET_ACCESS_KEY: "S3RVER" };
  let server: S3rver;
  let endpoint: string;
  let storage: string;
  const events: string[] = [];

  beforeAll(async () => {
    storage = mkdtempSync(path.join(tmpdir(), "s3rver-"));
    server = new S3rver({
      address: "127.0.0.1",
      port: 0,
      silent: true,
      directory: storage,
      configureBuckets: [{ name: SPACES_BACKEND.bucket, configs: [] }],
    });
    (server as unknown as NodeJS.EventEmitter).on("event", (event: { Records: { eventName: string; s3: { object: { key: string } } }[] }) => {
      for (const record of event.Records) events.push(`${record.eventName} ${decodeURIComponent(record.s3.object.key)}`);
    });
    const { port } = await server.run();
    endpoint = `http://127.0.0.1:${port}`;
  });

  afterAll(async () => {
    await server.close();
  });

  const initArgs = (): string[] => ["init", "-input=false", "-no-color", `-backend-config=endpoints={s3="${endpoint}"}`, "-backend-config=use_path_style=true"];

  it("initializes, applies with a lock, stores the state object, and feeds the data stack's remote state", async () => {
    const crossStackOutput = Object.keys(main.output ?? {}).find((name) => name.startsWith("cross-stack-output-digitalocean_project"))!;
    const mainRoot = mkdtempSync(path.join(tmpdir(), "main-root-"));
    writeFileSync(
      path.join(mainRoot, "main.tf.json"),
      JSON.stringify({
        terraform: { backend: main.terraform.backend },
        resource: { terraform_data: { probe: { input: "main" } } },
        output: { [crossStackOutput]: { value: "probe-project-id", sensitive: true } },
      }),
    );
    const init = await terraform(mainRoot, initArgs(), credentials);
    expect(init.output).toContain("Successfully configured the backend \"s3\"!");
    expect(init.status).toBe(0);
    const apply = await terraform(mainRoot, ["apply", "-auto-approve", "-input=false", "-no-color"], credentials);
    expect(apply.output).toContain("Apply complete! Resources: 1 added");
    const stateFile = path.join(storage, SPACES_BACKEND.bucket, "main-production", "terraform.tfstate._S3rver_object");
    const state = JSON.parse(readFileSync(stateFile, "utf8")) as { outputs: Record<string, { value: string }> };
    expect(state.outputs[crossStackOutput]?.value).toBe("probe-project-id");
    expect(events).toEqual(
      expect.arrayContaining([
        "ObjectCreated:Put main-production/terraform.tfstate.tflock",
        "ObjectRemoved:Delete main-production/terraform.tfstate.tflock",
        "ObjectCreated:Put main-production/terraform.tfstate",
      ]),
    );

    const [remoteName, remote] = Object.entries(data.data?.terraform_remote_state ?? {})[0]!;
    const remoteConfig = remote.config as Record<string, unknown>;
    const projectReference = String(Object.values(resourcesOf(data, "digitalocean_project_resources"))[0]!.project);
    const dataRoot = mkdtempSync(path.join(tmpdir(), "data-root-"));
    mkdirSync(dataRoot, { recursive: true });
    writeFileSync(
      path.join(dataRoot, "main.tf.json"),
      JSON.stringify({
        terraform: { backend: data.terraform.backend },
        data: { terraform_remote_state: { [remoteName]: { ...remote, config: { ...remoteConfig, endpoints: { s3: endpoint }, use_path_style: true } } } },
        resource: { terraform_data: { probe: { input: projectReference } } },
        output: { project_seen: { value: projectReference, sensitive: true } },
      }),
    );
    expect((await terraform(dataRoot, initArgs(), credentials)).status).toBe(0);
    const dataApply = await terraform(dataRoot, ["apply", "-auto-approve", "-input=false", "-no-color"], credentials);
    expect(dataApply.output).toContain("Apply complete! Resources: 1 added");
    expect((await terraform(dataRoot, ["output", "-raw", "project_seen"], credentials)).output).toBe("probe-project-id");
    expect(events).toContain("ObjectCreated:Put data-production/terraform.tfstate");
  }, 180_000);
});
