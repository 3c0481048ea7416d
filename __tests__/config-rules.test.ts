import fc from "fast-check";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { ConfigError } from "../config/errors";
import { MAX_STRING_LENGTH } from "../config/literal-checks";
import { loadConfigFile, MAX_CONFIG_BYTES, parseConfig, parseConfigSource } from "../config/load";
import { parseTfvars } from "../config/parse-hcl";
import { publicAddressProblem } from "../config/public-address";
import { sshPublicKeyProblem } from "../config/ssh-key";
import { SYSTEM_ACCOUNTS } from "../config/system-accounts";
import { EXAMPLE_SOURCE, withSetting } from "./helpers/synth";
import { toTfvars, withPath } from "./helpers/tfvars-render";

async function problems(source: string): Promise<string[]> {
  const error = await parseConfigSource(source, "terraform.tfvars").catch((caught: unknown) => caught);
  if (!(error instanceof ConfigError)) throw new Error("expected the config to be refused");
  return error.message.split("\n").slice(1);
}

const withCoreAddress = (field: "public_ipv4" | "public_ipv6", value: string): string =>
  EXAMPLE_SOURCE.replace(field === "public_ipv4" ? '"198.51.100.20"' : '"2001:db8:100::20"', JSON.stringify(value));

describe("public addresses of hosts", () => {
  it.each([
    ["127.0.0.1", "loopback"],
    ["10.1.2.3", "private address (RFC 1918)"],
    ["172.16.0.9", "private address (RFC 1918)"],
    ["192.168.1.1", "private address (RFC 1918)"],
    ["169.254.169.254", "link-local"],
    ["100.64.0.1", "carrier-grade NAT"],
    ["224.0.0.1", "multicast"],
    ["0.0.0.0", "unspecified"],
    ["255.255.255.255", "broadcast"],
    ["240.0.0.1", "reserved"],
    ["198.18.0.1", "reserved"],
    ["010.1.2.3", "four decimal numbers"],
    ["8.8.8.010", "four decimal numbers"],
    ["0x7f.0.0.1", "four decimal numbers"],
    ["2130706433", "four decimal numbers"],
    ["8.8.8.8/32", "without a prefix"],
  ])("refuses IPv4 %s (%s)", (address, expected) => {
    expect(publicAddressProblem(address, "ipv4")).toContain(expected);
  });

  it.each([
    ["::1", "loopback"],
    ["::", "unspecified"],
    ["fe80::1", "link-local"],
    ["fe80::1%eth0", "zone id"],
    ["fd00::1", "unique local"],
    ["fc00::1", "unique local"],
    ["ff02::1", "multicast"],
    ["::ffff:8.8.8.8", "embeds an IPv4 address"],
    ["::8.8.8.8", "embeds an IPv4 address"],
    ["::ffff:808:808", "IPv4-mapped"],
    ["64:ff9b::808:808", "NAT64"],
    ["2002:808:808::1", "6to4"],
    ["2001:0:4136:e378::1", "Teredo"],
    ["2001:4860:4860:0::8888", "canonical form"],
    ["2001:4860:4860::8888/128", "without a prefix"],
  ])("refuses IPv6 %s (%s)", (address, expected) => {
    expect(publicAddressProblem(address, "ipv6")).toContain(expected);
  });

  it.each([
    ["8.8.8.8", "ipv4"],
    ["198.51.100.20", "ipv4"],
    ["203.0.113.10", "ipv4"],
    ["2606:4700:4700::1111", "ipv6"],
    ["2001:db8:100::20", "ipv6"],
  ] as const)("accepts %s", (address, family) => {
    expect(publicAddressProblem(address, family)).toBeUndefined();
  });

  it("accepts no private, loopback or link-local IPv4 address, however it is generated", () => {
    const privateAddress = fc.oneof(
      fc.tuple(fc.constant(10), fc.nat(255), fc.nat(255), fc.nat(255)),
      fc.tuple(fc.constant(127), fc.nat(255), fc.nat(255), fc.nat(255)),
      fc.tuple(fc.constant(172), fc.integer({ min: 16, max: 31 }), fc.nat(255), fc.nat(255)),
      fc.tuple(fc.constant(192), fc.constant(168), fc.nat(255), fc.nat(255)),
      fc.tuple(fc.constant(169), fc.constant(254), fc.nat(255), fc.nat(255)),
      fc.tuple(fc.constant(100), fc.integer({ min: 64, max: 127 }), fc.nat(255), fc.nat(255)),
    );
    fc.assert(fc.property(privateAddress, (octets) => publicAddressProblem(octets.join("."), "ipv4") !== undefined), { seed: 5737, numRuns: 300 });
  });

  it("refuses a private address on a host with its line and column", async () => {
    const source = withCoreAddress("public_ipv4", "192.168.1.10");
    expect(await problems(source)).toEqual([
      '  terraform.tfvars:54:28: hosts.core-prod.public_ipv4 = "192.168.1.10": is a private address (RFC 1918); expected the host\'s public IPv4 address',
    ]);
  });

  it("notes every documentation address the example uses, for the review", async () => {
    const { notes } = await parseConfig(EXAMPLE_SOURCE, "terraform.tfvars.example");
    expect(notes).toEqual([
      "terraform.tfvars.example:29:20: allowed_ssh_ips[0] = 203.0.113.10/32 is a documentation address (RFC 5737): SSH would be reachable from nowhere; replace it before applying",
      "terraform.tfvars.example:29:39: allowed_ssh_ips[1] = 198.51.100.0/28 is a documentation address (RFC 5737): SSH would be reachable from nowhere; replace it before applying",
      "terraform.tfvars.example:54:28: hosts.core-prod.public_ipv4 = 198.51.100.20 is a documentation address (RFC 5737): it routes nowhere; replace it before applying",
      "terraform.tfvars.example:55:28: hosts.core-prod.public_ipv6 = 2001:db8:100::20 is a documentation address (RFC 3849): it routes nowhere; replace it before applying",
      "terraform.tfvars.example:72:28: hosts.ai-lab.public_ipv4 = 198.51.100.30 is a documentation address (RFC 5737): it routes nowhere; replace it before applying",
    ]);
  });

  it("has no note for addresses that route", async () => {
    const source = withSetting(withCoreAddress("public_ipv4", "8.8.8.8").replace('"198.51.100.30"', '"8.8.4.4"').replace('"2001:db8:100::20"', '"2606:4700::1"'), "allowed_ssh_ips", '["8.8.8.0/24"]');
    expect((await parseConfig(source, "terraform.tfvars")).notes).toEqual([]);
  });
});

describe("the deploy user", () => {
  it.each(["root", "daemon", "www-data", "nobody", "systemd-network", "_apt", "sshd", "ubuntu", "debian", "messagebus", "sudo", "docker"])(
    "refuses the existing account or group %s",
    async (name) => {
      const lines = await problems(withSetting(EXAMPLE_SOURCE, "deploy_user", JSON.stringify(name)));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(name === "root" ? /must not be root/ : /existing system (account|group) on Debian 12 or Ubuntu 24\.04/);
    },
  );

  it("takes a new account name", async () => {
    const config = await parseConfigSource(withSetting(EXAMPLE_SOURCE, "deploy_user", '"ops-deploy"'), "terraform.tfvars");
    expect(config.deployUser).toBe("ops-deploy");
  });

  it("lists every account of a Debian 12 base system (base-passwd's passwd.master)", () => {
    const basePasswd = ["root", "daemon", "bin", "sys", "sync", "games", "man", "lp", "mail", "news", "uucp", "proxy", "www-data", "backup", "list", "irc", "_apt", "nobody"];
    expect(basePasswd.filter((name) => !SYSTEM_ACCOUNTS.includes(name))).toEqual([]);
  });
});

describe("SSH public keys", () => {
  const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKpn7kzZTvCxBhv1SlPnQ1nMx8wlrEKzR4HaSdyFrSic";

  it("accepts a key with or without a plain comment", () => {
    expect(sshPublicKeyProblem(KEY)).toBeUndefined();
    expect(sshPublicKeyProblem(`${KEY} deploy@example.com`)).toBeUndefined();
    expect(sshPublicKeyProblem(`${KEY} laptop key 2026`)).toBeUndefined();
  });

  it.each([
    [`${KEY} it's "mine"`, "printable ASCII"],
    [`${KEY} back\\slash`, "printable ASCII"],
    [`${KEY} caf\u00e9`, "printable ASCII"],
    [`${KEY} a\u2028b`, "printable ASCII"],
    // Characters trim() removes: a comment starting with one of them must not pass as a clean one.
    [`${KEY} \u2028deploy`, "printable ASCII"],
    [`${KEY} \u00a0deploy`, "printable ASCII"],
    [`${KEY} \ufeffdeploy`, "printable ASCII"],
    [`${KEY}\tdeploy`, "printable ASCII"],
    [`${KEY} ${"x".repeat(101)}`, "longer than 100"],
    [KEY.replace("ssh-ed25519", "ssh-rsa"), "does not decode to a ssh-rsa key"],
    [`${KEY.slice(0, -1)}`, "not valid base64"],
    [`${KEY} ${"y".repeat(5000)}`, "longer than 4096"],
  ])("refuses %j (%s)", (line, expected) => {
    expect(sshPublicKeyProblem(line)).toContain(expected);
  });
});

describe("template sequences", () => {
  it.each([
    ["a host's role", (s: string) => s.replace('"GitLab runner, Ollama, SonarQube, Open WebUI (OVH VPS-2); SSH only"', '"runner %{ if true }x%{ endif }"'), "hosts.ai-lab.role", "%{"],
    ["a firewall comment", (s: string) => s.replace('"SMTP (Mailcow)"', '"${file("/etc/passwd")}"'), "hosts.core-prod.ufw_allow[2].comment", "${"],
    ["a tag key", (s: string) => s.replace("team        =", '"${x}"        ='), 'common_tags."${x}"', "${"],
  ])("are refused in %s, saying Terraform would evaluate them", async (_what, edit, key, sequence) => {
    const lines = await problems(edit(EXAMPLE_SOURCE));
    const line = lines.find((candidate) => candidate.includes(`${key}`));
    expect(line).toContain(`contains a template sequence \`${sequence}\`: Terraform would evaluate it`);
  });
});

describe("duplicate keys", () => {
  it("refuses a second host block of the same name, naming both lines", async () => {
    const source = EXAMPLE_SOURCE.replace("  ai-lab = {", '  "core-prod" = {');
    expect(await problems(source)).toEqual([
      "  terraform.tfvars:68:3: hosts.core-prod: is set twice, at line 50 and line 68; Terraform would silently keep the second one. Keep one",
    ]);
  });

  it("refuses a repeated attribute inside a nested object", async () => {
    const source = EXAMPLE_SOURCE.replace('    role                 = "Business services', '    os = "debian-12"\n    role                 = "Business services');
    expect(await problems(source)).toEqual([
      "  terraform.tfvars:54:5: hosts.core-prod.os: is set twice, at line 52 and line 54; Terraform would silently keep the second one. Keep one",
    ]);
  });
});

describe("limits", () => {
  it(`refuses a file larger than ${MAX_CONFIG_BYTES} bytes before reading it`, async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "config-limits-"));
    writeFileSync(path.join(dir, "terraform.tfvars"), `${EXAMPLE_SOURCE}\n# ${"x".repeat(5 * 1024 * 1024)}\n`);
    await expect(loadConfigFile(path.join(dir, "terraform.tfvars"), dir)).rejects.toThrow(/terraform\.tfvars: is 5\d{6} bytes; a config file may hold at most 1048576 bytes/);
  });

  it("refuses a 50 MB string with the file named", async () => {
    await expect(parseConfigSource(`role = "${"a".repeat(50_000_000)}"\n`, "terraform.tfvars")).rejects.toThrow(ConfigError);
  });

  it("refuses 10 000 nested lists or objects at the line and column where the limit is crossed", async () => {
    const lists = `project_name = ${"[".repeat(10_000)}${"]".repeat(10_000)}\n`;
    expect(await problems(lists)).toEqual(["  terraform.tfvars:1:32: lists, maps, parentheses or templates nest deeper than 16 levels here; no setting needs more than 5"]);
    const objects = `hosts = ${"{ a = ".repeat(10_000)}1${" }".repeat(10_000)}\n`;
    expect(await problems(objects)).toEqual([expect.stringMatching(/^ {2}terraform\.tfvars:1:\d+: lists, maps, parentheses or templates nest deeper/)]);
  });

  it("refuses a string longer than any setting takes", async () => {
    const lines = await problems(EXAMPLE_SOURCE.replace('"Business services: Mailcow, Nextcloud, Ghost, Authelia (OVH VPS-3)"', JSON.stringify("r".repeat(5000))));
    expect(lines).toEqual(["  terraform.tfvars:52:28: hosts.core-prod.role: is 5000 characters long; no setting takes more than 4096"]);
  });
});

describe("every string setting has a maximum length of its own", () => {
  const LONG = "a".repeat(MAX_STRING_LENGTH - 1);
  const STRING_PATHS: readonly (readonly (string | number)[])[] = [
    ["project_name"], ["environment"], ["region"], ["vpc_cidr"], ["droplet_size"], ["droplet_image"], ["ssh_public_key"], ["ssh_key_name"],
    ["allowed_ssh_ips", 0], ["do_project_id"], ["domain_name"], ["spaces_region"], ["deploy_user"], ["common_tags", "team"], ["state_backend"],
    ["policy_waivers", 0, "resource"], ["policy_waivers", 0, "reason"],
    ["hosts", "core-prod", "role"], ["hosts", "core-prod", "os"], ["hosts", "core-prod", "public_ipv4"], ["hosts", "core-prod", "public_ipv6"],
    ["hosts", "core-prod", "ufw_allow", 0, "comment"], ["hosts", "core-prod", "ufw_allow", 0, "from"], ["hosts", "core-prod", "mesh_address"],
    ["hosts", "core-prod", "wireguard_public_key"], ["mesh", "cidr"], ["cloudflare", "account_id"], ["cloudflare", "zones", "example.org", "id"],
    ["cloudflare", "records", 0, "name"], ["cloudflare", "records", 0, "host"], ["cloudflare", "records", 4, "cname"],
    ["cloudflare", "tunnel", "host"], ["cloudflare", "tunnel", "ingress", 0, "hostname"], ["cloudflare", "tunnel", "ingress", 0, "service"],
  ];

  it.each(STRING_PATHS.map((path) => [path.join("."), path] as const))("%s refuses a string just under the file-wide limit", async (_name, path) => {
    const example = { ...(await parseTfvars("terraform.tfvars", EXAMPLE_SOURCE)), policy_waivers: [{ policy: "CMP-002", resource: "a/b", reason: "a written reason" }] };
    const last = path[path.length - 1];
    const raw = withPath(example, path, last === "from" ? [LONG] : LONG);
    const error = await parseConfigSource(toTfvars(raw), "terraform.tfvars").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
  });
});

describe("no stack trace for values refused by their own checks", () => {
  it.each([
    ["an empty mesh address", (s: string) => s.replace('mesh_address         = "10.8.0.1"', 'mesh_address         = ""')],
    ["an empty public address", (s: string) => s.replace('"198.51.100.20"', '""')],
    ["a malformed mesh range", (s: string) => s.replace('cidr      = "10.8.0.0/24"', 'cidr      = "10.8.0/x"')],
    ["an empty SSH source", (s: string) => withSetting(s, "allowed_ssh_ips", '["", "::/0", "0.0.0.0/0"]')],
    ["a malformed VPC range", (s: string) => withSetting(s, "vpc_cidr", '"10.0.0.0"')],
    ["a host name that is not one", (s: string) => s.replace("  ai-lab = {", '  "" = {')],
  ])("%s ends in a ConfigError naming the file, line and column", async (_what, edit) => {
    const lines = await problems(edit(EXAMPLE_SOURCE));
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).toMatch(/^ {2}terraform\.tfvars:\d+:\d+: \S/);
  });
});

describe("loadConfigFile", () => {
  it("returns the notes for the review beside the config", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "config-notes-"));
    writeFileSync(path.join(dir, "terraform.tfvars"), EXAMPLE_SOURCE);
    const loaded = await loadConfigFile(path.join(dir, "terraform.tfvars"), dir);
    expect(loaded.file).toBe("terraform.tfvars");
    expect(loaded.config.projectName).toBe("izzzi");
    expect(loaded.notes).toHaveLength(5);
    for (const note of loaded.notes) expect(note).toMatch(/^terraform\.tfvars:\d+:\d+: \S+ = \S+ is a documentation address \(RFC (5737|3849)\): /);
  });
});
