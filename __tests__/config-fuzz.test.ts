import fc from "fast-check";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { Config } from "../config/config";
import { ConfigError } from "../config/errors";
import { parseConfigSource } from "../config/load";
import { parseTfvars } from "../config/parse-hcl";
import { TFVARS_KEYS } from "../config/schema";
import { validateTfvars } from "../config/validate";
import { PolicyError } from "../constructs/policy/report";
import { PropsError } from "../constructs/validation";
import { buildApp } from "../stacks/app";
import { synthesizeAtomically } from "../stacks/synthesize";
import { EXAMPLE_SOURCE } from "./helpers/synth";
import { toTfvars, withPath } from "./helpers/tfvars-render";

// Property-based fuzzing of the config loader: random mutations of the valid example must give
// a valid Config or one clean ConfigError, never another exception or a stack trace. Fixed seed
// and bounded runs keep the suite deterministic; change SEED locally to explore further.
const SEED = 20261122;
const FILE = "terraform.tfvars";

type Raw = Record<string, unknown>;
type Mutation = { kind: "delete"; key: string } | { kind: "set"; key: string; value: unknown };

let example: Raw;
beforeAll(async () => {
  example = await parseTfvars(FILE, EXAMPLE_SOURCE);
});

/** Pieces that break out of strings, lines, scripts or templates, or hide what text says. */
const HOSTILE_PIECES = [
  "${", "%{", "}", "$${", "%%{", '"', "'", "\\", "\\\"", "\n", "\r\n", "\u2028", "\u2029", "\u0000", "\u200f", "\u202e", "\u2066",
  "\ufeff", "`", "$(id)", "; rm -rf /", "# ", "//", "/*", "*/", "<<EOF", "[", "{", "=", ":", "ok", "core-prod", "198.51.100.7", "é",
] as const;

const hostileString = fc.oneof(
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.constantFrom("", " ", "${var.x}", "%{ if }", "\\", '"', "\n", "0.0.0.0/0", "::/0", "10.0.0.0/16", "ssh-ed25519 AAAA", `-----BEGIN RSA ${"PRIVATE"} KEY-----`, "root", "é", "😀", "\u202e", "\u0000"),
  fc.string({ maxLength: 3 }).map((seed) => seed.repeat(5000)),
  fc.array(fc.constantFrom(...HOSTILE_PIECES), { minLength: 1, maxLength: 8 }).map((pieces) => pieces.join("")),
);

const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  fc.constantFrom(true, false, null, 0, -1, 1e308, -1e308, 65536, 3.5, Number.MAX_SAFE_INTEGER),
  fc.integer(),
  fc.jsonValue({ maxDepth: 3 }),
  fc.array(hostileString, { maxLength: 5 }),
  fc.dictionary(hostileString, hostileString, { maxKeys: 4 }),
  fc.array(fc.record({ policy: hostileString, resource: hostileString, reason: hostileString }, { requiredKeys: [] }), { maxLength: 3 }),
);

const anyKey = fc.oneof(fc.constantFrom(...TFVARS_KEYS), fc.constantFrom(...TFVARS_KEYS).map((key) => `${key}x`), fc.string({ minLength: 1, maxLength: 12 }));

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  anyKey.map((key): Mutation => ({ kind: "delete", key })),
  fc.record({ kind: fc.constant("set" as const), key: anyKey, value: hostileValue }),
);

function mutate(raw: Raw, mutations: readonly Mutation[]): Raw {
  const copy: Raw = structuredClone(raw);
  for (const change of mutations) {
    if (change.kind === "delete") delete copy[change.key];
    else copy[change.key] = change.value;
  }
  return copy;
}

type Setter = { readonly name: string; readonly set: (raw: Raw, text: string) => Raw };

/** Where a string reaches: every string-typed setting of the example, values and map keys. */
const STRING_SETTINGS: readonly Setter[] = [
  ...["project_name", "ssh_key_name", "ssh_public_key", "deploy_user", "domain_name", "droplet_size", "region"].map((key) => ({ name: key, set: (raw: Raw, text: string) => ({ ...raw, [key]: text }) })),
  { name: "ssh_public_key comment", set: (raw, text) => ({ ...raw, ssh_public_key: `${String(raw.ssh_public_key).split(" ").slice(0, 2).join(" ")} ${text}` }) },
  { name: "common_tags value", set: (raw, text) => ({ ...raw, common_tags: { team: text } }) },
  { name: "common_tags key", set: (raw, text) => ({ ...raw, common_tags: { [text]: "platform" } }) },
  { name: "allowed_ssh_ips item", set: (raw, text) => ({ ...raw, allowed_ssh_ips: [text] }) },
  { name: "host name", set: (raw, text) => ({ ...raw, hosts: { ...(raw.hosts as Raw), [text]: (raw.hosts as Raw)["ai-lab"] } }) },
  ...["role", "public_ipv4", "public_ipv6", "mesh_address", "wireguard_public_key", "os"].map((field) => ({
    name: `hosts.core-prod.${field}`,
    set: (raw: Raw, text: string) => withPath(raw, ["hosts", "core-prod", field], text),
  })),
  { name: "ufw_allow comment", set: (raw, text) => withPath(raw, ["hosts", "core-prod", "ufw_allow", 0, "comment"], text) },
  { name: "ufw_allow from", set: (raw, text) => withPath(raw, ["hosts", "core-prod", "ufw_allow", 0, "from"], [text]) },
  { name: "cloudflare record name", set: (raw, text) => withPath(raw, ["cloudflare", "records", 0, "name"], text) },
  { name: "cloudflare zone name", set: (raw, text) => withPath(raw, ["cloudflare", "zones"], { [text]: {} }) },
  { name: "tunnel service", set: (raw, text) => withPath(raw, ["cloudflare", "tunnel", "ingress", 0, "service"], text) },
  { name: "policy waiver", set: (raw, text) => ({ ...raw, policy_waivers: [{ policy: "CMP-002", resource: text, reason: text }] }) },
];

/** Passes for a Config or a clean ConfigError; rethrows anything else (fast-check then shrinks it). */
function expectClean(outcome: unknown): void {
  if (outcome instanceof ConfigError) {
    const [head, ...lines] = outcome.message.split("\n");
    expect(head).toMatch(/^invalid configuration in terraform\.tfvars \(\d+ problems?\):$/);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).toMatch(/^ {2}terraform\.tfvars(:\d+(:\d+)?)?: \S/);
    expect(outcome.message).not.toMatch(/\n\s+at |\[object Object\]|undefined/);
    return;
  }
  if (outcome instanceof Error) throw outcome;
  expect(typeof (outcome as Config).projectName).toBe("string");
}

async function settle<T>(work: () => Promise<T> | T): Promise<unknown> {
  try {
    return await work();
  } catch (error) {
    return error;
  }
}

describe("config fuzzing (fast-check, fixed seed)", () => {
  it("validates mutated tfvars objects into a Config or a clean ConfigError", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 4 }), async (mutations) => {
        const raw = mutate(example, mutations);
        expectClean(await settle(() => validateTfvars(raw, toTfvars(raw), FILE)));
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it("parses mutated tfvars files into a Config or a clean ConfigError, and valid ones synthesize or fail cleanly", async () => {
    let valid = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 3 }), async (mutations) => {
        const outcome = await settle(() => parseConfigSource(toTfvars(mutate(example, mutations)), FILE));
        expectClean(outcome);
        if (outcome instanceof ConfigError) return;
        valid += 1;
        const root = mkdtempSync(path.join(tmpdir(), "fuzz-"));
        const synth = await settle(() =>
          synthesizeAtomically(path.join(root, "cdktf.out"), (staging) =>
            buildApp(outcome as Config, { outdir: staging, projectRoot: root, onPolicyNotice: () => {} }),
          ),
        );
        if (synth instanceof Error && !(synth instanceof PolicyError || synth instanceof PropsError)) throw synth;
      }),
      { seed: SEED, numRuns: 100 },
    );
    expect(valid).toBeGreaterThan(0);
  });

  it("turns garbage spliced into the example file into a clean ConfigError", async () => {
    const splice = fc.record({ at: fc.nat({ max: EXAMPLE_SOURCE.length }), cut: fc.nat({ max: 40 }), insert: hostileString });
    await fc.assert(
      fc.asyncProperty(fc.array(splice, { minLength: 1, maxLength: 3 }), async (splices) => {
        let source = EXAMPLE_SOURCE;
        for (const { at, cut, insert } of splices) source = source.slice(0, at) + insert + source.slice(at + cut);
        expectClean(await settle(() => parseConfigSource(source, FILE)));
      }),
      { seed: SEED, numRuns: 150 },
    );
  });
  it("refuses or safely accepts hostile strings in every string-typed setting", async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...STRING_SETTINGS), hostileString, async (setting, text) => {
        const raw = setting.set(structuredClone(example), text);
        const outcome = await settle(() => parseConfigSource(toTfvars(raw), FILE));
        expectClean(outcome);
        if (outcome instanceof ConfigError) return;
        // Accepted: no template sequence, control, format or line-separator character survived.
        expect(JSON.stringify(outcome)).not.toMatch(/\$\{|%\{|[\u0000-\u0008\u000b-\u001f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/);
        const root = mkdtempSync(path.join(tmpdir(), "fuzz-"));
        const synth = await settle(() =>
          synthesizeAtomically(path.join(root, "cdktf.out"), (staging) => buildApp(outcome as Config, { outdir: staging, projectRoot: root, onPolicyNotice: () => {} })),
        );
        if (synth instanceof Error && !(synth instanceof PolicyError || synth instanceof PropsError)) throw synth;
      }),
      { seed: SEED, numRuns: 200 },
    );
  });

  it("ends nesting of any depth and kind, closed or not, in a clean error", async () => {
    const opener = fc.constantFrom("[", "{ a = ", "(", '"${', "[{ x = ");
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...TFVARS_KEYS), opener, fc.integer({ min: 1, max: 20_000 }), fc.boolean(), async (key, open, depth, closed) => {
        const closer = open === "[" ? "]" : open === "(" ? ")" : open === '"${' ? '}"' : open === "[{ x = " ? "}]" : "}";
        const value = `${open.repeat(depth)}1${closed ? closer.repeat(depth) : ""}`;
        const outcome = await settle(() => parseConfigSource(`${EXAMPLE_SOURCE}\n${key} = ${value}\n`, FILE));
        expect(outcome).toBeInstanceOf(ConfigError);
        expectClean(outcome);
      }),
      { seed: SEED, numRuns: 60 },
    );
  });

  it("ends huge files and huge strings in a clean error naming the file", async () => {
    const huge = fc.record({ size: fc.constantFrom(1024 * 1024 + 1, 3 * 1024 * 1024, 50 * 1000 * 1000), quoted: fc.boolean(), unit: fc.constantFrom("a", "\u2028", "${", "é") });
    await fc.assert(
      fc.asyncProperty(huge, async ({ size, quoted, unit }) => {
        const body = unit.repeat(Math.ceil(size / unit.length));
        const outcome = await settle(() => parseConfigSource(quoted ? `role = "${body}"\n` : body, FILE));
        expect(outcome).toBeInstanceOf(ConfigError);
        expectClean(outcome);
        expect((outcome as ConfigError).message).toMatch(/a config file may hold at most 1048576 bytes/);
      }),
      { seed: SEED, numRuns: 8 },
    );
  });
});
