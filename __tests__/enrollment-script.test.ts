import { spawnSync } from "node:child_process";
import * as fc from "fast-check";
import { parse } from "yaml";
import { buildHostCloudConfig, type HostCloudConfigOptions } from "../cloud-init/host-cloud-config";
import { buildEnrollmentScript, enrollmentCommandOf, sshSources, type EnrollmentOptions } from "../cloud-init/enrollment-script";
import { shellQuote } from "../cloud-init/shell-quote";
import { itWith, REQUIREMENTS, shellcheckProblems } from "./helpers/checkers";
import { ADMIN_KEY, aiLabOptions, coreProdOptions } from "./helpers/user-data-samples";

const MESH = { address: "10.8.0.1/24", listenPort: 51820, mtu: 1420 };

/** The kinds of host an enrollment script is rendered for. */
const VARIANTS: readonly { readonly name: string; readonly options: EnrollmentOptions }[] = [
  { name: "mesh member with the tunnel connector and CrowdSec", options: { ...coreProdOptions({ wireguard: undefined, mesh: MESH, cloudflared: true }), hostName: "core-prod" } },
  { name: "fixed WireGuard peers, fail2ban, the distribution's Docker", options: { ...aiLabOptions(), intrusionPrevention: "fail2ban", docker: { source: "distro" }, hostName: "ai-lab" } },
  { name: "Ubuntu 24.04, no WireGuard, no intrusion prevention", options: { ...coreProdOptions({ target: "ubuntu-24.04", wireguard: undefined, intrusionPrevention: "none" }), hostName: "edge" } },
];

type UserData = {
  packages: string[];
  runcmd: string[];
  write_files: { path: string; content: string; permissions: string; append?: boolean }[];
  users: { name: string; ssh_authorized_keys: string[] }[];
};

function bash(script: string, env: Record<string, string> = {}, args: readonly string[] = []): { status: number; stdout: string; stderr: string } {
  const result = spawnSync("bash", ["-s", "--", ...args], { input: script, encoding: "utf8", env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...env } });
  return { status: result.status ?? 1, stdout: result.stdout, stderr: result.stderr };
}

describe("enrollment script: the same parts as the cloud-config", () => {
  it.each(VARIANTS)("$name: every file, package and UFW rule of the user data is enrolled, with the same content", ({ options }) => {
    const script = buildEnrollmentScript(options);
    const userData = parse(buildHostCloudConfig(options as HostCloudConfigOptions)) as UserData;
    for (const file of userData.write_files) {
      if (file.path === "/etc/wireguard/wg0.conf" && options.mesh !== undefined) {
        expect(script).toContain(`ensure_wireguard_interface ${shellQuote(file.path)} ${shellQuote(file.content)}\n`);
      } else if (file.append === true) {
        expect(script).toContain(`ensure_block ${shellQuote(file.path)} ${shellQuote(file.permissions)} ${shellQuote(file.content)}\n`);
      } else {
        expect(script).toContain(`ensure_file ${shellQuote(file.path)} ${shellQuote(file.permissions)} 'root:root' ${shellQuote(file.content)}\n`);
      }
    }
    expect(script).toContain(`ensure_packages ${userData.packages.map(shellQuote).join(" ")}\n`);
    for (const command of userData.runcmd) expect(script).toContain(`${enrollmentCommandOf(command)}\n`);
    const keys = userData.users[0]!.ssh_authorized_keys.map((key) => `${key}\n`).join("");
    expect(script).toContain(`ensure_authorized_keys 'deploy' ${shellQuote(keys)}\n`);
  });

  it.each(VARIANTS)("$name: the firewall is enabled by the very last step, after the SSH rules", ({ options }) => {
    const steps = buildEnrollmentScript(options).trimEnd().split("\n");
    expect(steps.slice(-3)).toEqual(["ensure_ufw_enabled", "", "finish"]);
    const sshRule = steps.findIndex((line) => line.startsWith("ensure_ufw_rule") && line.includes("'port' '22'"));
    expect(sshRule).toBeGreaterThan(0);
    expect(sshRule).toBeLessThan(steps.indexOf("ensure_ufw_enabled"));
  });

  it("checks the session before anything changes", () => {
    const steps = buildEnrollmentScript(VARIANTS[0]!.options).split("\n");
    const guard = steps.indexOf("guard_ssh_session");
    const firstChange = steps.findIndex((line) => /^ensure_\w+ '/.test(line));
    expect(guard).toBeGreaterThan(0);
    expect(guard).toBeLessThan(firstChange);
  });

  it("gives every runcmd line of our parts an idempotent form, and refuses one it does not know", () => {
    expect(enrollmentCommandOf("systemctl enable --now docker")).toBe("ensure_service_running 'docker'");
    expect(enrollmentCommandOf("ufw allow in on wg0 proto tcp from 10.8.0.0/24 to any port 5432 comment 'PostgreSQL over the mesh'")).toBe(
      "ensure_ufw_rule 'allow' 'in' 'on' 'wg0' 'proto' 'tcp' 'from' '10.8.0.0/24' 'to' 'any' 'port' '5432' 'comment' 'PostgreSQL over the mesh'",
    );
    expect(() => enrollmentCommandOf("apt-get dist-upgrade -y")).toThrow(/the runcmd line "apt-get dist-upgrade -y" has no idempotent form/);
  });

  it("takes the SSH sources from the rules that reach tcp 22 on every interface", () => {
    expect(sshSources([{ protocol: "tcp", port: 22, from: ["198.51.100.7/32", "2001:db8::/64"], comment: "SSH" }])).toEqual(["198.51.100.7/32", "2001:db8::/64"]);
    expect(sshSources([{ protocol: "tcp", port: "20:30", comment: "a range" }])).toEqual(["any"]);
    expect(() => sshSources([{ protocol: "tcp", port: 22, interface: "wg0", from: ["10.8.0.0/24"], comment: "SSH over the mesh" }])).toThrow(/expected a rule allowing tcp 22/);
  });

  it("renders nothing that depends on the machine it is built on: two builds are byte-identical", () => {
    expect(buildEnrollmentScript(VARIANTS[0]!.options)).toBe(buildEnrollmentScript(VARIANTS[0]!.options));
  });
});

describe("enrollment script: shell safety", () => {
  itWith(REQUIREMENTS.shellcheck).each(VARIANTS)("$name passes shellcheck", ({ name, options }) => {
    expect(shellcheckProblems({ origin: name, script: buildEnrollmentScript(options) })).toEqual([]);
  });

  it("shell-quotes any string to exactly itself", () => {
    const text = fc.string({ unit: "binary", maxLength: 40 }).filter((value) => !value.includes("\0"));
    fc.assert(
      fc.property(fc.array(text, { minLength: 1, maxLength: 20 }), (values) => {
        const printed = bash(values.map((value) => `printf '%s\\0' ${shellQuote(value)}`).join("\n")).stdout;
        expect(printed.split("\0").slice(0, -1)).toEqual(values);
      }),
      { numRuns: 10 },
    );
  });

  it("carries a hostile key comment to the host as data, never as code", () => {
    const hostile = `${ADMIN_KEY.split(" ").slice(0, 2).join(" ")} it's $(touch /tmp/pwned) \`id\` "quoted" \\ done`;
    const script = buildEnrollmentScript({ ...VARIANTS[0]!.options, authorizedKeys: [hostile] });
    const line = script.split("ensure_authorized_keys ")[1]!.split("\n'\n")[0]!;
    const result = bash(`ensure_authorized_keys() { printf '%s' "$2"; }\nensure_authorized_keys ${line}\n'\n`);
    expect(result).toMatchObject({ status: 0, stdout: `${hostile}\n` });
  });
});

describe("enrollment script: the lock-out guard", () => {
  /** The rendered script up to its guard, then a marker: what runs before anything changes. */
  const guardOf = (options: EnrollmentOptions) => {
    const script = buildEnrollmentScript(options);
    return `${script.slice(0, script.indexOf("\nrequire_root_on '") + 1)}guard_ssh_session\necho "guard passed"\n`;
  };
  const core = guardOf(VARIANTS[0]!.options);
  const aiLab = guardOf(VARIANTS[1]!.options);

  it("lets a session from an address the SSH rule admits go on", () => {
    expect(bash(core, { SSH_CONNECTION: "198.51.100.7 50022 198.51.100.20 22" })).toMatchObject({ status: 0, stdout: expect.stringContaining("guard passed") });
    expect(bash(aiLab, { SSH_CONNECTION: "2001:db8::5 50022 2001:db8:100::30 22" })).toMatchObject({ status: 0 });
    expect(bash(core, { SSH_CONNECTION: "::ffff:198.51.100.7 50022 ::ffff:198.51.100.20 22" })).toMatchObject({ status: 0 });
  });

  it("refuses a session the SSH rule would not admit, naming its address and the allowed sources", () => {
    const result = bash(core, { SSH_CONNECTION: "203.0.113.9 50022 198.51.100.20 22" });
    expect(result.status).toBe(3);
    expect(result.stdout).not.toContain("guard passed");
    expect(result.stderr).toContain("refusing to enable the firewall: this session comes from 203.0.113.9, which the planned SSH rule does not admit");
    expect(result.stderr).toContain("SSH will be allowed from: 198.51.100.7/32 (port 22)");
    expect(bash(aiLab, { SSH_CONNECTION: "2001:db8:1::5 50022 2001:db8:100::30 22" }).status).toBe(3);
  });

  it("refuses a session on another SSH port: the firewall opens port 22 only", () => {
    const result = bash(core, { SSH_CONNECTION: "198.51.100.7 50022 198.51.100.20 2222" });
    expect(result.status).toBe(3);
    expect(result.stderr).toContain("this session reached SSH on port 2222");
  });

  it("goes on without the check when ops have the console open", () => {
    const result = bash(core, { SSH_CONNECTION: "203.0.113.9 50022 198.51.100.20 22" }, ["--i-have-console-access"]);
    expect(result).toMatchObject({ status: 0, stdout: expect.stringContaining("lock-out check skipped") });
  });

  it("refuses an unknown argument", () => {
    expect(bash(core, {}, ["--force"])).toMatchObject({ status: 2, stderr: expect.stringContaining("usage: enroll.sh [--i-have-console-access]") });
  });
});
