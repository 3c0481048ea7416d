import * as path from "node:path";
import { PROVIDER_PACKAGES } from "../offline-terraform/emulator-home";
import { deriveProviderSchema } from "../offline-terraform/schema/derive-provider";
import { OPTIONAL_COMPUTED } from "../offline-terraform/schema/overrides";
import type { ProviderSchema, SchemaAttribute, SchemaBlock } from "../offline-terraform/schema/types";

const schemas: Record<string, ProviderSchema> = {};
beforeAll(() => {
  for (const packageName of PROVIDER_PACKAGES) {
    const schema = deriveProviderSchema(path.dirname(require.resolve(`${packageName}/package.json`)));
    schemas[schema.source] = schema;
  }
});

function resource(type: string): SchemaBlock {
  for (const schema of Object.values(schemas)) {
    const block = schema.resources[type];
    if (block !== undefined) return block;
  }
  throw new Error(`no derived schema for ${type}`);
}

function attribute(block: SchemaBlock, name: string): SchemaAttribute | undefined {
  return block.attributes.find((candidate) => candidate.name === name);
}

function everyBlock(block: SchemaBlock, visit: (block: SchemaBlock, path: string) => void, at = ""): void {
  visit(block, at);
  for (const nested of block.blockTypes) everyBlock(nested.block, visit, `${at}.${nested.typeName}`);
}

describe("schemas derived from the @cdktf/provider-* packages", () => {
  it("serves the four pinned providers at the versions the bindings were generated for", () => {
    expect(Object.fromEntries(Object.values(schemas).map((schema) => [schema.source, schema.version]))).toEqual({
      "registry.terraform.io/digitalocean/digitalocean": "2.71.0",
      "registry.terraform.io/cloudflare/cloudflare": "5.14.0",
      "registry.terraform.io/hashicorp/null": "3.2.4",
      "registry.terraform.io/hashicorp/local": "2.6.1",
    });
  });

  it.each([
    "digitalocean_droplet",
    "digitalocean_firewall",
    "digitalocean_vpc",
    "digitalocean_spaces_bucket",
    "digitalocean_spaces_key",
    "digitalocean_record",
    "digitalocean_project",
    "cloudflare_dns_record",
    "null_resource",
    "local_file",
  ])("golden schema of %s", (type) => {
    expect(resource(type)).toMatchSnapshot();
  });

  it("reads required, optional + computed and read-only attributes of the droplet", () => {
    const droplet = resource("digitalocean_droplet");
    for (const name of ["image", "name", "size"]) expect(attribute(droplet, name)).toMatchObject({ required: true });
    expect(attribute(droplet, "region")).toEqual({ name: "region", type: "string", optional: true });
    expect(attribute(droplet, "id")).toMatchObject({ optional: true, computed: true });
    expect(attribute(droplet, "urn")).toEqual({ name: "urn", type: "string", computed: true });
    expect(attribute(droplet, "ssh_keys")?.type).toEqual(["set", "string"]);
    expect(droplet.blockTypes.find((block) => block.typeName === "backup_policy")).toMatchObject({ nesting: "list", maxItems: 1 });
    expect(droplet.blockTypes.find((block) => block.typeName === "timeouts")).toMatchObject({ nesting: "single" });
  });

  it("types a firewall's droplet_ids as a set of numbers and its rules as set blocks", () => {
    const firewall = resource("digitalocean_firewall");
    expect(attribute(firewall, "droplet_ids")?.type).toEqual(["set", "number"]);
    const inbound = firewall.blockTypes.find((block) => block.typeName === "inbound_rule");
    expect(inbound?.nesting).toBe("set");
    expect(inbound?.maxItems).toBeUndefined();
    expect(attribute(inbound?.block ?? { attributes: [], blockTypes: [] }, "protocol")).toMatchObject({ required: true });
    expect(attribute(firewall, "pending_changes")).toMatchObject({ computed: true, type: ["list", ["object", { droplet_id: "number", removing: "bool", status: "string" }]] });
  });

  it("leaves Terraform meta-arguments out of provider configuration schemas", () => {
    for (const schema of Object.values(schemas)) expect(attribute(schema.provider, "alias")).toBeUndefined();
  });

  it("names only real, optional arguments in the reviewed override table", () => {
    for (const [type, names] of Object.entries(OPTIONAL_COMPUTED)) {
      for (const name of names) expect({ type, name, attribute: attribute(resource(type), name) }).toMatchObject({ attribute: { optional: true, computed: true } });
    }
  });

  it("obeys the rules Terraform core checks when it loads a provider schema, for every resource and data source", () => {
    const problems: string[] = [];
    for (const schema of Object.values(schemas)) {
      const blocks = { provider: schema.provider, ...schema.resources, ...Object.fromEntries(Object.entries(schema.dataSources).map(([k, v]) => [`data.${k}`, v])) };
      for (const [type, root] of Object.entries(blocks)) {
        everyBlock(root, (block, at) => {
          const names = new Set<string>();
          for (const item of block.attributes) {
            if (names.has(item.name)) problems.push(`${type}${at}.${item.name}: duplicate`);
            names.add(item.name);
            if (!/^[a-z0-9_]+$/.test(item.name)) problems.push(`${type}${at}.${item.name}: invalid name`);
            if (item.required === true && (item.optional === true || item.computed === true)) problems.push(`${type}${at}.${item.name}: required and optional/computed`);
            if (item.required !== true && item.optional !== true && item.computed !== true) problems.push(`${type}${at}.${item.name}: neither required, optional nor computed`);
          }
          for (const nested of block.blockTypes) {
            if (names.has(nested.typeName)) problems.push(`${type}${at}.${nested.typeName}: block named like an attribute`);
            names.add(nested.typeName);
            if ((nested.nesting === "single" || nested.nesting === "map") && (nested.minItems !== undefined || nested.maxItems !== undefined)) {
              problems.push(`${type}${at}.${nested.typeName}: min/max items on ${nested.nesting} nesting`);
            }
          }
        });
      }
    }
    expect(problems).toEqual([]);
  });
});
