import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { cliConfig, ensureEmulatorHome, STAMP_FILE, WRAPPER } from "../offline-terraform/emulator-home";
import { FakeValues } from "../offline-terraform/provider/fake-values";
import { decodeValue, encodeValue, UNKNOWN, type Value } from "../offline-terraform/provider/msgpack-value";
import { applyValue, conformValue, nullValue, planValue } from "../offline-terraform/provider/resource-values";
import type { SchemaBlock } from "../offline-terraform/schema/types";

const droplet: SchemaBlock = {
  attributes: [
    { name: "id", type: "string", optional: true, computed: true },
    { name: "name", type: "string", required: true },
    { name: "urn", type: "string", computed: true },
    { name: "ipv4_address", type: "string", computed: true },
    { name: "ipv4_address_private", type: "string", computed: true },
    { name: "disk", type: "number", computed: true },
    { name: "locked", type: "bool", computed: true },
    { name: "tags", type: ["set", "string"], optional: true },
    { name: "user_data", type: "string", optional: true },
  ],
  blockTypes: [{ typeName: "timeouts", nesting: "single", block: { attributes: [{ name: "create", type: "string", optional: true }], blockTypes: [] } }],
};

const config = { id: null, name: "app", urn: null, ipv4_address: null, ipv4_address_private: null, disk: null, locked: null, tags: ["a"], user_data: null, timeouts: null };

describe("msgpack values (cty's encoding)", () => {
  it("round-trips known values and the unknown marker (extension 0)", () => {
    const value: Value = { a: "x", b: 3, c: [true, null], d: UNKNOWN };
    expect(decodeValue(encodeValue(value))).toEqual(value);
  });

  it("reads a refined unknown (extension 12, Terraform >= 1.6) as unknown", () => {
    expect(decodeValue(Uint8Array.from([0xd4, 12, 0]))).toBe(UNKNOWN);
  });
});

describe("planning and applying", () => {
  it("marks computed attributes the config leaves null unknown on create, and nothing else", () => {
    const planned = planValue(droplet, config, true) as Record<string, unknown>;
    for (const name of ["id", "urn", "ipv4_address", "ipv4_address_private", "disk", "locked"]) expect(planned[name]).toBe(UNKNOWN);
    expect(planned.user_data).toBeNull();
    expect(planned.tags).toEqual(["a"]);
  });

  it("keeps the proposed state on update, so a second plan after apply shows no changes", () => {
    const prior = { ...config, id: "1", urn: "do:droplet:1", ipv4_address: "203.0.113.5", ipv4_address_private: "10.0.0.5", disk: 80, locked: false };
    expect(planValue(droplet, prior, false)).toEqual(prior);
  });

  it("fills every unknown with a type-correct fake: numeric droplet id, matching URN, IP addresses", () => {
    const applied = applyValue(droplet, planValue(droplet, config, true), new FakeValues("digitalocean_droplet", "seed")) as Record<string, unknown>;
    expect(applied.id).toMatch(/^[1-9]\d{8}$/);
    expect(applied.urn).toBe(`do:droplet:${String(applied.id)}`);
    expect(applied.ipv4_address).toMatch(/^203\.0\.113\.\d+$/);
    expect(applied.ipv4_address_private).toMatch(/^10\.0\.0\.\d+$/);
    expect(typeof applied.disk).toBe("number");
    expect(applied.locked).toBe(false);
    expect(Object.values(applied)).not.toContain(UNKNOWN);
  });

  it("gives the same fakes for the same configuration", () => {
    const apply = () => applyValue(droplet, planValue(droplet, config, true), new FakeValues("digitalocean_droplet", JSON.stringify(config)));
    expect(apply()).toEqual(apply());
  });

  it("uses UUIDs for ids of resources DigitalOcean identifies by UUID", () => {
    const vpc: SchemaBlock = { attributes: [{ name: "id", type: "string", optional: true, computed: true }], blockTypes: [] };
    const applied = applyValue(vpc, { id: UNKNOWN }, new FakeValues("digitalocean_vpc", "seed")) as Record<string, unknown>;
    expect(applied.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe("reading objects back from the fake cloud", () => {
  it("shapes a partial object (created in the console) to the schema: null if optional, a fake if computed, unknown keys dropped", () => {
    const read = conformValue(droplet, { id: "123456789", name: "app", tags: ["x"], not_in_schema: 1 }, new FakeValues("digitalocean_droplet", "123456789")) as Record<string, unknown>;
    expect(read).toMatchObject({ id: "123456789", name: "app", tags: ["x"], user_data: null, urn: "do:droplet:123456789", timeouts: null });
    expect(read.ipv4_address).toMatch(/^203\.0\.113\.\d+$/);
    expect(read).not.toHaveProperty("not_in_schema");
    expect(Object.keys(read).sort()).toEqual([...droplet.attributes.map((attribute) => attribute.name), "timeouts"].sort());
  });

  it("keeps a complete object exactly as stored, so a refresh after apply shows no drift", () => {
    const applied = applyValue(droplet, planValue(droplet, config, true), new FakeValues("digitalocean_droplet", "seed")) as Record<string, Value>;
    expect(conformValue(droplet, applied, new FakeValues("digitalocean_droplet", "other"))).toEqual(applied);
  });

  it("starts an import from an all-null object holding only what the import id says", () => {
    expect(nullValue(droplet, { id: "42" })).toEqual({ ...Object.fromEntries(droplet.attributes.map((attribute) => [attribute.name, null])), id: "42", timeouts: null });
  });
});

describe("the emulator home (filesystem mirror + CLI config)", () => {
  const home = mkdtempSync(path.join(tmpdir(), "emulator-home-test-"));
  const copy = mkdtempSync(path.join(tmpdir(), "emulator-home-copy-"));
  // An empty directory: built in full, as buildEmulatorHome does, and stamped.
  const emulator = ensureEmulatorHome(home);
  afterAll(() => {
    rmSync(home, { recursive: true, force: true });
    rmSync(copy, { recursive: true, force: true });
  });
  const wrapperOf = (dir: string, source: string, version: string) =>
    path.join(dir, "mirror", source, version, `${process.platform}_${process.arch === "x64" ? "amd64" : process.arch}`, `terraform-provider-${source.split("/").pop() ?? ""}_v${version}`);
  const filesUnder = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? filesUnder(path.join(dir, entry.name)) : [path.join(dir, entry.name)]));
  const LONG_AGO = new Date("2000-01-01T00:00:00Z");
  /** Dates every file back, so a file the next call writes shows a new modification time. */
  const ageFiles = (dir: string) => filesUnder(dir).forEach((file) => utimesSync(file, LONG_AGO, LONG_AGO));
  const rewritten = (dir: string) => filesUnder(dir).filter((file) => statSync(file).mtimeMs !== LONG_AGO.getTime()).map((file) => path.relative(dir, file));

  it("places one identical executable wrapper per pinned provider, so lock hashes never vary", () => {
    for (const [source, version] of Object.entries(emulator.providers)) {
      const type = source.split("/").pop() ?? "";
      const wrapper = path.join(home, "mirror", source, version, `${process.platform}_${process.arch === "x64" ? "amd64" : process.arch}`, `terraform-provider-${type}_v${version}`);
      expect(readFileSync(wrapper, "utf8")).toBe(WRAPPER);
      expect(statSync(wrapper).mode & 0o111).toBe(0o111);
      expect(JSON.parse(readFileSync(path.join(home, "schemas", `${type}.json`), "utf8")).version).toBe(version);
    }
    expect(WRAPPER).not.toContain(home);
  });

  it("installs providers only from the mirror", () => {
    expect(readFileSync(emulator.cliConfigFile, "utf8")).toBe(cliConfig(path.join(home, "mirror")));
    expect(cliConfig("/m")).toContain('include = ["registry.terraform.io/*/*"]');
    expect(cliConfig("/m")).not.toContain("direct");
  });

  it("is found current by the next script run: nothing is written again", () => {
    expect(readdirSync(home).sort()).toEqual(["mirror", "proto", "provider.js", "provider.js.stamp.json", "schemas", STAMP_FILE, "terraformrc"].sort());
    ageFiles(home);
    expect(ensureEmulatorHome(home)).toEqual(emulator);
    expect(rewritten(home)).toEqual([]);
  });

  it("is current when copied with its CLI config rewritten for the new place", () => {
    cpSync(home, copy, { recursive: true });
    writeFileSync(path.join(copy, "terraformrc"), cliConfig(path.join(copy, "mirror")));
    ageFiles(copy);
    expect(ensureEmulatorHome(copy).providers).toEqual(emulator.providers);
    expect(rewritten(copy)).toEqual([]);
  });

  it("is rebuilt when a schema was edited or a wrapper removed", () => {
    const [source, version] = Object.entries(emulator.providers)[0]!;
    const schema = path.join(home, "schemas", `${source.split("/").pop() ?? ""}.json`);
    const original = readFileSync(schema, "utf8");
    writeFileSync(schema, "{}");
    unlinkSync(wrapperOf(home, source, version));
    expect(ensureEmulatorHome(home)).toEqual(emulator);
    expect(readFileSync(schema, "utf8")).toBe(original);
    expect(readFileSync(wrapperOf(home, source, version), "utf8")).toBe(WRAPPER);
    expect(statSync(wrapperOf(home, source, version)).mode & 0o111).toBe(0o111);
  });

  it("is rebuilt when what it is built from changed (the stamp names other inputs), and the bundle when it is gone", () => {
    const stampFile = path.join(home, STAMP_FILE);
    const stamp = JSON.parse(readFileSync(stampFile, "utf8")) as { inputs: string };
    writeFileSync(stampFile, JSON.stringify({ ...stamp, inputs: "built from other sources" }));
    rmSync(path.join(home, "provider.js"));
    ageFiles(home);
    expect(ensureEmulatorHome(home)).toEqual(emulator);
    expect(rewritten(home)).toEqual(expect.arrayContaining(["provider.js", STAMP_FILE, "terraformrc", path.join("schemas", "digitalocean.json")]));
    expect((JSON.parse(readFileSync(stampFile, "utf8")) as { inputs: string }).inputs).toBe(stamp.inputs);
  });
});
