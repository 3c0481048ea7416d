import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import fc from "fast-check";
import { highEntropyRun, runsByLoop, runsByRegex, SECRET_DETECTORS, secretKindIn } from "../config/secret-patterns";
import { publicKeyValuesOf } from "../config/secrets";
import { secretsPolicy } from "../constructs/policy/rules/secrets";
import type { SynthesizedBlock } from "../constructs/policy/types";
import { buildApp } from "../stacks/app";
import { synthesizeWithReviewHcl } from "../stacks/synthesize";
import { BASE_CONTEXT } from "./helpers/policy";
import { configFrom, EXAMPLE_SOURCE, exampleConfig, REPO_ROOT } from "./helpers/synth";

// Every canary is built here at run time from a hash: nothing token-shaped is committed.
const digest = (seed: string): Buffer => createHash("sha256").update(seed).digest();
const hex = (seed: string, length: number): string => createHash("sha512").update(seed).digest("hex").slice(0, length);
const base64Key = (seed: string): string => digest(seed).toString("base64"); // 44 characters, "=" padded
const urlSafe = (seed: string, length: number): string => createHash("sha512").update(seed).digest("base64url").slice(0, length);

const CANARIES: Record<string, string> = {
  "DigitalOcean personal access token": ["dop", "_v1_", hex("pat", 64)].join(""),
  "DigitalOcean OAuth token": ["doo", "_v1_", hex("oauth", 64)].join(""),
  "DigitalOcean refresh token": ["dor", "_v1_", hex("refresh", 64)].join(""),
  "Cloudflare API token (no label)": urlSafe("cloudflare token", 40),
  "Spaces access key": ["DO", "00", hex("spaces access", 16).toUpperCase()].join(""),
  "Spaces secret key (43 characters)": base64Key("spaces secret").slice(0, 43),
  "WireGuard private key (padded)": base64Key("wireguard private"),
  "WireGuard private key (unpadded)": base64Key("wireguard private 2").slice(0, 43),
  "PEM private key": ["-----BEGIN ", "RSA PRIVATE", " KEY-----\nMIIE"].join(""),
  "PEM PKCS#8 private key": ["-----BEGIN ", "PRIVATE", " KEY-----"].join(""),
  "OpenSSH private key": ["-----BEGIN ", "OPENSSH PRIVATE", " KEY-----"].join(""),
  "OpenSSH private key body without its header": Buffer.from(`openssh-key-v1\0${hex("body", 40)}`).toString("base64"),
  "Cloudflare tunnel token": Buffer.from(JSON.stringify({ a: hex("account", 32), t: hex("tunnel", 32), s: base64Key("tunnel secret") })).toString("base64"),
  "generic high-entropy token": digest("generic").toString("base64url") + digest("generic 2").toString("base64url").slice(0, 8),
};

/** Labels glued or separated in every way a config or a file might write them. */
const PREFIXES = ["", "x", "xyz", "_", "token:", "token: ", "key=", "key = ", "secret\t", '"', "'", "(", "/", "\\n", "Bearer ", "PrivateKey=", "PrivateKey = "];

describe("secret detectors", () => {
  const variants = Object.entries(CANARIES).flatMap(([kind, canary]) => PREFIXES.map((prefix) => [kind, JSON.stringify(prefix), `${prefix}${canary} trailing text`] as const));

  it.each(variants)("find a %s after prefix %s", (_kind, _prefix, text) => {
    expect(secretKindIn(text)).toBeDefined();
  });

  it("find labelled Cloudflare global API keys (37 hex digits) and API tokens", () => {
    const globalKey = hex("global key", 37);
    for (const label of ["X-Auth-Key: ", "CLOUDFLARE_API_KEY=", 'cf_api_key = "', "xCF_API_KEY:"]) expect(secretKindIn(`${label}${globalKey}`)).toBe("Cloudflare global API key");
    const token = urlSafe("labelled token", 40).replace(/[0-9A-Z]/g, "a"); // low entropy: only the label tells
    for (const label of ["CLOUDFLARE_API_TOKEN=", "Bearer ", "api_token: "]) expect(secretKindIn(`${label}${token}`)).toBe("Cloudflare API token");
    expect(secretKindIn(token)).toBeUndefined();
  });

  it("leave ids, hashes, fingerprints, names and references alone", () => {
    const clean = [
      hex("account id", 32),
      // Hex digests of every final digit: a 43-character tail of one has the alphabet of a base64 key.
      ...Array.from({ length: 48 }, (_, index) => hex(`sha256 ${index}`, 64)),
      ...Array.from({ length: 16 }, (_, index) => `sha256:${hex(`prefixed ${index}`, 64)}`),
      hex("fingerprint", 40).toUpperCase(),
      "4e3c1a7b-2f5d-4c8e-9a61-0b7d3e5f9c21",
      "cross-stack-output-digitalocean_dropletdroplet_C44C856Fipv4_address",
      "firewalls_fw-management_E0C7C92A",
      "${data.terraform_remote_state.cross-stack-reference-input-main-production.outputs.cross-stack-output-digitalocean_dropletdroplet_C44C856Fipv4_address}",
      "Business services: Mailcow, Nextcloud, Ghost, Authelia (OVH VPS-3)",
      "../../../terraform.main-production.tfstate",
    ];
    expect(clean.filter((text) => secretKindIn(text) !== undefined)).toEqual([]);
  });

  it("skip only a well-formed public key armour: a token or private key wrapped in one is still found", () => {
    const armour = (body: string) => `-----BEGIN PUBLIC KEY-----\n${body}\n-----END PUBLIC KEY-----`;
    expect(secretKindIn(armour("MCowBQYDK2VwAyEA"))).toBeUndefined();
    // A bare base64 secret inside a well-formed armour reads as armour: the known limit (docs/escaping-and-secrets.md).
    const notBareBase64 = Object.values(CANARIES).filter((canary) => !/^[A-Za-z0-9+/=]+$/.test(canary));
    expect(notBareBase64.length).toBeGreaterThanOrEqual(8);
    for (const canary of notBareBase64) expect(secretKindIn(armour(canary))).toBeDefined();
  });

  it("allow exact copies of declared public keys and flag any other key of the same shape", () => {
    const declared = base64Key("declared public key");
    const other = base64Key("another key");
    expect(secretKindIn(`[Peer]\nPublicKey = ${declared}\n`, { publicValues: [declared] })).toBeUndefined();
    expect(secretKindIn(`[Peer]\nPublicKey = ${other}\n`, { publicValues: [declared] })).toBeDefined();
    expect(secretKindIn(`x${declared}`, { publicValues: [declared] })).toBeUndefined();
    expect(secretKindIn(`${declared.slice(0, -2)}AA=`, { publicValues: [declared] })).toBeDefined();
  });
});

describe("secret detectors read runs of base64 once", () => {
  /** The detection as written before it read runs: every pattern over the whole text. */
  const wholeText = (text: string): string | undefined => {
    for (const detector of SECRET_DETECTORS) {
      const pattern = new RegExp(detector.pattern.source, detector.pattern.flags.includes("g") ? detector.pattern.flags : `${detector.pattern.flags}g`);
      if ([...text.matchAll(pattern)].some(([match]) => detector.accept?.(match) ?? true)) return detector.kind;
    }
    return [...text.matchAll(/[A-Za-z0-9+/_=-]{32,}/g)].some(([run]) => highEntropyRun(run) !== undefined) ? "high-entropy token" : undefined;
  };
  const piece = fc.oneof(
    fc.stringMatching(/^[A-Za-z0-9+/]{0,60}[AEIMQUYcgkosw048]?$/),
    fc.constantFrom(" ", "\n", "=", "==", "_", "-", ".", ":", '"', "PrivateKey = ", "x"),
    fc.constant(base64Key("a key in the middle")),
  );

  it("find exactly what the patterns find over the whole text", () => {
    fc.assert(fc.property(fc.array(piece, { maxLength: 12 }), (pieces) => {
      const text = pieces.join("");
      expect(secretKindIn(text)).toBe(wholeText(text));
    }), { numRuns: 2000 });
  });

  it("find the same runs by regex and by loop, over any part of a text", () => {
    fc.assert(fc.property(fc.array(piece, { maxLength: 12 }), fc.nat(), fc.nat(), (pieces, a, b) => {
      const text = pieces.join("");
      const [from, to] = [a % (text.length + 1), b % (text.length + 1)].sort((x, y) => x - y) as [number, number];
      const expected = [...text.slice(from, to).matchAll(/[A-Za-z0-9+/_=-]+/g)].map(([run]) => run).filter((run) => run.length >= 32);
      expect(runsByRegex(text, from, to)).toEqual(expected);
      expect(runsByLoop(text, from, to)).toEqual(expected);
    }), { numRuns: 2000 });
  });
});

describe("the high-entropy rule skips Terraform references without copying the text", () => {
  /** As written before: the references replaced by a space, then the runs of the copy. */
  const withCopy = (text: string): boolean =>
    highEntropyRun(text.replace(/(?<!\$)\$\{[a-z][a-z0-9_]*\.[A-Za-z0-9_.\-\[\]"]*\}/g, " ")) !== undefined;
  const piece = fc.oneof(
    fc.stringMatching(/^[A-Za-z0-9+/_=-]{0,40}$/),
    fc.constantFrom(" ", "\n", "$", "$${", "${", "}", "${var.do_token}", "${data.terraform_remote_state.main.outputs.droplet_C44C856F}", '${local.x["k"]}', "${local.Zq8xT1vR4mK9pL2wB7nY5cF3hJ6dG0sA}"),
    fc.constant("Zq8xT1vR4mK9pL2wB7nY5cF3hJ6dG0sA"),
  );

  it("finds a high-entropy token exactly when the copy did", () => {
    fc.assert(fc.property(fc.array(piece, { maxLength: 12 }), (pieces) => {
      const text = pieces.join("");
      const kind = secretKindIn(text);
      if (kind === undefined || kind === "high-entropy token") expect(kind === "high-entropy token").toBe(withCopy(text));
    }), { numRuns: 2000 });
  });
});

describe("secret detection in the config", () => {
  const hostRole = (role: string): string => EXAMPLE_SOURCE.replace(/role(\s+)= "Business services[^"]*"/, `role$1= ${JSON.stringify(role)}`);

  it.each(Object.entries(CANARIES))("refuses a %s in a free-text value, glued to other text", async (_kind, canary) => {
    const source = hostRole(`services x${canary.replace(/\n/g, " ")}`);
    expect(source).not.toBe(EXAMPLE_SOURCE);
    await expect(configFrom(source)).rejects.toThrow(/hosts.*holds what looks like a credential/);
  });

  it("accepts the WireGuard and SSH public keys of their own keys (the example loads)", async () => {
    await expect(exampleConfig()).resolves.toBeDefined();
  });
});

describe("SEC-001 uses the same detectors", () => {
  const block = (content: string): SynthesizedBlock => ({
    stack: "hosts-production",
    section: "resource",
    type: "local_file",
    address: "local_file.wg0",
    constructPath: "hosts-production/mesh/wg0",
    attributes: { content },
  });

  it("flags every canary in a rendered file, and a WireGuard key the config does not declare", () => {
    const declared = base64Key("declared public key");
    const context = { ...BASE_CONTEXT, publicKeyValues: [declared] };
    for (const canary of Object.values(CANARIES)) expect(secretsPolicy.check([block(`# rendered\nvalue=${canary}\n`)], context)).toHaveLength(1);
    expect(secretsPolicy.check([block(`PublicKey = ${declared}\n`)], context)).toEqual([]);
    expect(secretsPolicy.check([block(`PublicKey = ${base64Key("undeclared")}\n`)], context)).toHaveLength(1);
  });
});

describe("every synthesized file of the example and the maximal config", () => {
  it.each([
    ["terraform.tfvars.example", EXAMPLE_SOURCE],
    ["maximal.tfvars", readFileSync(path.join(REPO_ROOT, "__tests__", "fixtures", "maximal.tfvars"), "utf8")],
  ])("holds nothing the detectors flag, JSON, review HCL, READMEs and rendered files alike (%s)", async (name, source) => {
    const config = await configFrom(source, name);
    const root = mkdtempSync(path.join(tmpdir(), "secret-scan-"));
    try {
      const outdir = path.join(root, "cdktf.out");
      await synthesizeWithReviewHcl(outdir, (staging) => buildApp(config, { outdir: staging, projectRoot: root, onPolicyNotice: () => undefined }));
      const files = walk(outdir);
      expect(files.some((file) => file.endsWith(".tf"))).toBe(true);
      const publicValues = publicKeyValuesOf(config);
      const flagged = files.filter((file) => secretKindIn(readFileSync(file, "utf8"), { publicValues }) !== undefined).map((file) => path.relative(outdir, file));
      expect(flagged).toEqual([]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? walk(full) : [full];
  });
}
