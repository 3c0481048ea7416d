import { ConfigError } from "../config/errors";
import { configFrom, EXAMPLE_SOURCE, withSetting } from "./helpers/synth";

/** One refused input: how to break the example, and the exact line of the report it must produce. */
interface RefusedCase {
  readonly name: string;
  readonly source: string;
  /** A line of the error message, matched exactly after `  `. */
  readonly expected: string | RegExp;
}

const FILE = "terraform.tfvars";
const lineOf = (source: string, key: string): number => source.split("\n").findIndex((line) => line.startsWith(`${key} `)) + 1;
const set = (key: string, value: string | undefined): string => withSetting(EXAMPLE_SOURCE, key, value);
const at = (source: string, key: string): string => `${FILE}:${lineOf(source, key)}`;

function refused(name: string, source: string, expected: (source: string) => string | RegExp): RefusedCase {
  return { name, source, expected: expected(source) };
}

const CASES: RefusedCase[] = [
  refused("a misspelled key, with a suggestion", set("enable_monitorng", "true"), (s) =>
    `${at(s, "enable_monitorng")}: enable_monitorng: is not a known setting. Did you mean enable_monitoring? (see the config reference in README.md)`),
  refused("an unknown key with no close match", set("flavour", '"vanilla"'), (s) =>
    `${at(s, "flavour")}: flavour: is not a known setting. (see the config reference in README.md)`),
  refused("an unknown environment", set("environment", '"prod"'), (s) =>
    `${at(s, "environment")}: environment = "prod": expected one of "dev", "staging", "production"`),
  refused("a CIDR with an impossible prefix", set("vpc_cidr", '"10.0.0.0/33"'), (s) =>
    `${at(s, "vpc_cidr")}: vpc_cidr = "10.0.0.0/33": is not a valid IPv4 or IPv6 CIDR block`),
  refused("a CIDR with host bits set", set("vpc_cidr", '"10.0.0.1/16"'), (s) =>
    `${at(s, "vpc_cidr")}: vpc_cidr = "10.0.0.1/16": has host bits set: the network is 10.0.0.0/16`),
  refused("a public VPC range", set("vpc_cidr", '"8.8.0.0/16"'), (s) =>
    `${at(s, "vpc_cidr")}: vpc_cidr = "8.8.0.0/16": expected a private IPv4 range (RFC 1918: 10/8, 172.16/12, 192.168/16)`),
  refused("a VPC larger than DigitalOcean allows", set("vpc_cidr", '"10.0.0.0/8"'), (s) =>
    `${at(s, "vpc_cidr")}: vpc_cidr = "10.0.0.0/8": expected a prefix between /16 and /28 (DigitalOcean VPC limits)`),
  refused("an SSH source without a prefix", set("allowed_ssh_ips", '["203.0.113.10"]'), (s) =>
    `${at(s, "allowed_ssh_ips")}: allowed_ssh_ips[0] = "203.0.113.10": is missing its prefix length (write 203.0.113.7/32 for a single address)`),
  refused("an SSH source with leading zeros", set("allowed_ssh_ips", '["203.0.113.010/32"]'), (s) =>
    `${at(s, "allowed_ssh_ips")}: allowed_ssh_ips[0] = "203.0.113.010/32": is not in dotted-quad form (four decimal octets, no leading zeros)`),
  refused("an empty SSH allow list", set("allowed_ssh_ips", "[]"), (s) =>
    `${at(s, "allowed_ssh_ips")}: allowed_ssh_ips = []: expected at least one CIDR block allowed to reach SSH`),
  refused("a duplicated SSH source", set("allowed_ssh_ips", '["192.0.2.0/24", "192.0.2.0/24"]'), (s) =>
    `${at(s, "allowed_ssh_ips")}: allowed_ssh_ips[1] = "192.0.2.0/24": is listed twice`),
  refused("a missing required setting", set("project_name", undefined), () => `${FILE}: project_name: is required but not set`),
  refused("a wrong type", set("enable_backups", '"yes"'), (s) =>
    `${at(s, "enable_backups")}: enable_backups = "yes": expected a boolean, got a string`),
  refused("a list where a string belongs", set("region", '["fra1"]'), (s) =>
    `${at(s, "region")}: region = ["fra1"]: expected a DigitalOcean region: nyc1, nyc2, nyc3, sfo1, sfo2, sfo3, ams2, ams3, sgp1, lon1, fra1, tor1, blr1, syd1, atl1, ric1`),
  refused("an unknown region", set("region", '"fra9"'), (s) =>
    `${at(s, "region")}: region = "fra9": expected a DigitalOcean region: nyc1, nyc2, nyc3, sfo1, sfo2, sfo3, ams2, ams3, sgp1, lon1, fra1, tor1, blr1, syd1, atl1, ric1`),
  refused("Spaces in a region without Spaces", set("region", '"nyc1"'), (s) =>
    `${at(s, "region")}: region = "nyc1": has no Spaces; set spaces_region to one of nyc3, sfo2, sfo3, ams3, sgp1, fra1, syd1, blr1, lon1, tor1, atl1, or create_spaces = false and state_backend = \"local\"`),
  refused("an image cloud-init is not built for", set("droplet_image", '"centos-stream-9-x64"'), (s) =>
    `${at(s, "droplet_image")}: droplet_image = "centos-stream-9-x64": expected one of the images cloud-init is built for: ubuntu-24-04-x64, debian-12-x64`),
  refused("a malformed size slug", set("droplet_size", '"S 2VCPU"'), (s) =>
    `${at(s, "droplet_size")}: droplet_size = "S 2VCPU": expected a DigitalOcean size slug such as s-2vcpu-4gb`),
  refused("an uppercase project name", set("project_name", '"Izzzi"'), (s) =>
    `${at(s, "project_name")}: project_name = "Izzzi": expected 2-24 lowercase letters, digits or dashes, starting with a letter and not ending with a dash`),
  refused("a domain with a trailing dot", set("domain_name", '"example.com."'), (s) =>
    `${at(s, "domain_name")}: domain_name = "example.com.": expected a lowercase domain name such as example.com (letters, digits, dashes; no trailing dot)`),
  refused("a truncated SSH public key", set("ssh_public_key", '"ssh-ed25519 AAAAB3NzaC1yc2EAAAADAQABAAABAQ deploy"'), (s) =>
    new RegExp(`^${at(s, "ssh_public_key")}: ssh_public_key = ".*": has a key body that does not decode to a ssh-ed25519 key \\(truncated or mangled paste\\?\\)$`)),
  refused("a private key instead of a public one", set("ssh_public_key", '"-----BEGIN OPENSSH PRIVATE KEY-----"'), (s) =>
    `${at(s, "ssh_public_key")}: ssh_public_key: holds what looks like a credential (API token or private key); secrets belong in TF_VAR_ variables, never in this file`),
  refused("do_token in the file", set("do_token", '"dop_v1_0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"'), (s) =>
    `${at(s, "do_token")}: do_token: is a secret and must not be stored in a tfvars file; remove it and export TF_VAR_do_token at deploy time (it is a sensitive Terraform variable)`),
  refused("any other credential-like key", set("spaces_secret_key", '"abc"'), (s) =>
    `${at(s, "spaces_secret_key")}: spaces_secret_key: is a secret and must not be stored in a tfvars file; remove it and export TF_VAR_spaces_secret_key at deploy time (it is a sensitive Terraform variable)`),
  refused("a token pasted into an ordinary key", set("ssh_key_name", '"dop_v1_0123456789abcdef0123456789abcdef0123456789abcdef"'), (s) =>
    `${at(s, "ssh_key_name")}: ssh_key_name: holds what looks like a credential (API token or private key); secrets belong in TF_VAR_ variables, never in this file`),
  refused("an interpolation", set("ssh_key_name", '"${var.name}"'), (s) =>
    `${at(s, "ssh_key_name")}: ssh_key_name = "\${var.name}": contains an interpolation \`\${...}\`; tfvars values must be literal values`),
  refused("a tag with a space", EXAMPLE_SOURCE.replace(/^common_tags = \{[\s\S]*?\n\}/m, 'common_tags = { team = "platform ops" }'), (s) =>
    `${at(s, "common_tags")}: common_tags.team = "platform ops": expected 1-100 letters, digits, dashes or underscores (DigitalOcean tag rules)`),
  refused("a malformed project id", set("do_project_id", '"my-project"'), (s) =>
    `${at(s, "do_project_id")}: do_project_id = "my-project": expected a DigitalOcean project UUID`),
  refused("root as deploy user", set("deploy_user", '"root"'), (s) =>
    `${at(s, "deploy_user")}: deploy_user = "root": must not be root: the deploy user is an unprivileged sudoer`),
  refused("reusing an existing key without naming it", set("ssh_key_name", undefined) + '\nuse_existing_ssh_key = true\n', () =>
    `${FILE}: ssh_key_name: is required when use_existing_ssh_key = true`),
  refused("an HCL syntax error, located by HashiCorp's parser", `${EXAMPLE_SOURCE}\nbroken = [1,\n`, (s) =>
    `${FILE}:${s.split("\n").length}: HCL syntax error: Missing expression; Expected the start of an expression, but found the end of the file.`),
  refused("a key set twice, located by HashiCorp's parser", `${EXAMPLE_SOURCE}\nregion = "ams3"\n`, (s) =>
    new RegExp(`^${FILE}:${s.split("\n").length - 1}: HCL syntax error: Attribute redefined; The argument "region" was already set at line \\d+,1-7\\. Each argument may be set only once\\.$`)),
];

describe("refused configuration", () => {
  it.each(CASES.map((c) => [c.name, c] as const))("refuses %s", async (_name, testCase) => {
    const error = await configFrom(testCase.source, FILE).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    const reported = (error as ConfigError).message.split("\n").slice(1).map((line) => line.replace(/^ {2}/, ""));
    if (typeof testCase.expected === "string") expect(reported).toContain(testCase.expected);
    else expect(reported.some((line) => (testCase.expected as RegExp).test(line))).toBe(true);
    expect((error as ConfigError).message).toMatch(/^invalid configuration in terraform\.tfvars \(\d+ problems?\):/);
  });

  it("never echoes a secret value in the report", async () => {
    const token = "dop_v1_feedfacefeedfacefeedfacefeedfacefeedfacefeedfacefeedfacefeedface";
    const error = (await configFrom(set("do_token", `"${token}"`)).catch((caught: unknown) => caught)) as Error;
    const pasted = (await configFrom(set("ssh_key_name", `"${token}"`)).catch((caught: unknown) => caught)) as Error;
    expect(error.message).not.toContain("feedface");
    expect(pasted.message).not.toContain("feedface");
  });
});
