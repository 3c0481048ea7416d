import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { ConfigError } from "../config/errors";
import { CONFIG_ENV_VAR, loadConfigFile, resolveConfigFile } from "../config/load";
import { configFrom, EXAMPLE_SOURCE, exampleConfig, withSetting } from "./helpers/synth";

const MINIMAL = [
  'project_name = "shop"',
  'environment = "dev"',
  'ssh_public_key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKpn7kzZTvCxBhv1SlPnQ1nMx8wlrEKzR4HaSdyFrSic a@b"',
  'allowed_ssh_ips = ["192.0.2.1/32"]',
].join("\n");

describe("the example config", () => {
  it("parses into the typed Config with the application environment's values", async () => {
    const config = await exampleConfig();
    expect(config).toMatchObject({
      projectName: "izzzi",
      environment: "production",
      region: "fra1",
      retiredSshPublicKeys: [],
      vpcCidr: "10.0.0.0/16",
      dropletSize: "s-2vcpu-4gb",
      dropletImage: "ubuntu-24-04-x64",
      sshKeyName: "izzzi-deploy-key",
      useExistingSshKey: false,
      enableMonitoring: true,
      enableBackups: false,
      enableIpv6: true,
      allowedSshIps: ["203.0.113.10/32", "198.51.100.0/28"],
      domainName: "example.com",
      createSpaces: true,
      spacesRegion: "fra1",
      deployUser: "deploy",
      commonTags: { team: "platform", "cost-center": "infra" },
    });
    expect(config.doProjectId).toBeUndefined();
  });
});

describe("defaults", () => {
  it("fills every optional setting with its documented default", async () => {
    const config = await configFrom(MINIMAL);
    expect(config).toEqual({
      projectName: "shop",
      environment: "dev",
      region: "fra1",
      retiredSshPublicKeys: [],
      vpcCidr: "10.0.0.0/16",
      dropletSize: "s-2vcpu-4gb",
      dropletImage: "ubuntu-24-04-x64",
      sshPublicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKpn7kzZTvCxBhv1SlPnQ1nMx8wlrEKzR4HaSdyFrSic a@b",
      sshKeyName: "shop-deploy-key",
      useExistingSshKey: false,
      enableMonitoring: true,
      enableBackups: false,
      enableIpv6: true,
      allowedSshIps: ["192.0.2.1/32"],
      manageDomain: true,
      createSpaces: false,
      spacesRegion: "fra1",
      deployUser: "deploy",
      commonTags: {},
      allowSshFromAnywhere: false,
      internalPorts: [],
      policyWaivers: [],
      stateBackend: "local",
      allowReplace: {},
      prices: {},
      hosts: [],
    });
  });

  it("takes spaces_region over region for buckets", async () => {
    const config = await configFrom(withSetting(withSetting(MINIMAL, "region", '"nyc1"'), "spaces_region", '"nyc3"'));
    expect(config.region).toBe("nyc1");
    expect(config.spacesRegion).toBe("nyc3");
  });
});

describe("choosing the config file", () => {
  const dir = (): string => mkdtempSync(path.join(tmpdir(), "config-choice-"));

  it("prefers terraform.tfvars over the shipped example", () => {
    const cwd = dir();
    writeFileSync(path.join(cwd, "terraform.tfvars.example"), MINIMAL);
    expect(resolveConfigFile(cwd, undefined, {})).toBe(path.join(cwd, "terraform.tfvars.example"));
    writeFileSync(path.join(cwd, "terraform.tfvars"), MINIMAL);
    expect(resolveConfigFile(cwd, undefined, {})).toBe(path.join(cwd, "terraform.tfvars"));
  });

  it(`lets ${CONFIG_ENV_VAR} and then an explicit flag select another file`, () => {
    const cwd = dir();
    writeFileSync(path.join(cwd, "terraform.tfvars"), MINIMAL);
    expect(resolveConfigFile(cwd, undefined, { [CONFIG_ENV_VAR]: "envs/staging.tfvars" })).toBe(path.join(cwd, "envs/staging.tfvars"));
    expect(resolveConfigFile(cwd, "prod.tfvars", { [CONFIG_ENV_VAR]: "envs/staging.tfvars" })).toBe(path.join(cwd, "prod.tfvars"));
  });

  it("fails clearly when no file exists", () => {
    expect(() => resolveConfigFile(dir(), undefined, {})).toThrow(/no config file: create terraform.tfvars/);
  });

  it("names a missing selected file relative to the working directory", async () => {
    const cwd = dir();
    await expect(loadConfigFile(path.join(cwd, "envs", "missing.tfvars"), cwd)).rejects.toThrow(
      "invalid configuration in envs/missing.tfvars (1 problem):\n  envs/missing.tfvars: file not found",
    );
  });

  it("loads a selected file and reports its relative name", async () => {
    const cwd = dir();
    writeFileSync(path.join(cwd, "staging.tfvars"), withSetting(MINIMAL, "environment", '"staging"'));
    const loaded = await loadConfigFile(path.join(cwd, "staging.tfvars"), cwd);
    expect(loaded.file).toBe("staging.tfvars");
    expect(loaded.config.environment).toBe("staging");
  });
});

describe("error reports", () => {
  it("collect every problem of a file in one error, in line order", async () => {
    const source = withSetting(withSetting(EXAMPLE_SOURCE, "environment", '"prod"'), "vpc_cidr", '"10.0.0.0/33"');
    const error = await configFrom(source).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    const issues = (error as ConfigError).issues;
    expect(issues.map((issue) => issue.key)).toEqual(["environment", "vpc_cidr"]);
    expect(issues[0]!.line).toBeLessThan(issues[1]!.line!);
  });
});
