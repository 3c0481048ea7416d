import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import * as path from "node:path";
import { ENROLLMENT_HELPERS } from "../cloud-init/enrollment-helpers";
import { configFrom, EXAMPLE_SOURCE, REPO_ROOT, resourcesOf, synthApp } from "../__tests__/helpers/synth";
import { missingPrerequisite, NetnsLab, run } from "./netns-hosts";
import { STAND_IN_LOG, STAND_INS } from "./stand-ins";

/**
 * Enrollment on a minimal Debian 12 as a provider delivers it (debootstrap: openssh-server,
 * sudo, python3, iproute2; ufw and wireguard-tools preinstalled because the lab cannot
 * download packages), not on this machine's own root: sshd validates the hardening drop-in
 * and visudo the sudo rule for real. The root is built once into .cache/enroll/ (a few
 * minutes; Debian's mirror must be reachable) and used as the read-only lower layer of the
 * server's root, inside a network namespace.
 */

const ROOTFS = path.join(REPO_ROOT, ".cache", "enroll", "bookworm-root");
const PACKAGES = ["openssh-server", "sudo", "python3", "iproute2", "iputils-ping", "procps", "passwd", "ufw", "iptables", "wireguard-tools", "wireguard-go", "ca-certificates", "curl"];
const SERVER = "core-prod";
const SESSION = { SSH_CONNECTION: "203.0.113.10 50022 198.51.100.20 22" };

function buildRootfs(): string | undefined {
  if (existsSync(path.join(ROOTFS, "etc", "os-release"))) return undefined;
  if (run("sh", ["-c", "command -v debootstrap"]).status !== 0) return "needs debootstrap (apt-get install debootstrap) to build the Debian 12 root";
  const staging = `${ROOTFS}.staging`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(path.dirname(ROOTFS), { recursive: true });
  const mirror = process.env.DEBIAN_MIRROR ?? "http://deb.debian.org/debian";
  const built = run("debootstrap", ["--variant=minbase", `--include=${PACKAGES.join(",")}`, "bookworm", staging, mirror], undefined, 20 * 60_000);
  if (built.status !== 0) return `could not debootstrap Debian 12 from ${mirror}: ${built.stderr.trim().split("\n").pop() ?? ""}`;
  renameSync(staging, ROOTFS);
  return undefined;
}

const prerequisite = missingPrerequisite() ?? buildRootfs();
const describeInChroot = prerequisite === undefined ? describe : describe.skip;
if (prerequisite !== undefined) console.warn(`SKIPPED the Debian 12 enrollment test: it ${prerequisite}`);

describeInChroot("enrolling a minimal Debian 12 server (debootstrap root)", () => {
  let lab: NetnsLab;
  let script = "";

  const inServer = (command: string) => {
    const result = lab.inRoot(SERVER, command);
    if (result.status !== 0) throw new Error(`${command}\nexit ${result.status}\n${result.stdout}${result.stderr}`);
    return result.stdout;
  };

  beforeAll(async () => {
    const { stacks } = synthApp(await configFrom(EXAMPLE_SOURCE));
    const file = Object.values(resourcesOf(stacks["hosts-production"]!, "local_sensitive_file")).find((candidate) => candidate.filename === `\${path.module}/rendered/${SERVER}/enroll.sh`)!;
    script = (file.content as string).replace(/\$\$\{/g, "${").replace(/%%\{/g, "%{");
    lab = new NetnsLab();
    lab.addHost(SERVER, "198.51.100.20");
    lab.addRootOverlay(SERVER, STAND_INS, ROOTFS);
  });

  afterAll(() => lab?.destroy());

  it("is Debian 12 with sshd and sudo, and without the deploy user yet", () => {
    expect(inServer("grep -x 'VERSION_ID=\"12\"' /etc/os-release; command -v sshd visudo; id deploy || true")).toBe('VERSION_ID="12"\n/usr/sbin/sshd\n/usr/sbin/visudo\n');
  });

  it("enrolls it: sshd accepts the hardening drop-in, visudo the sudo rule, the firewall comes up last", () => {
    const first = lab.inRoot(SERVER, script, SESSION);
    expect(first).toMatchObject({ status: 0 });
    expect(first.stdout).toMatch(/^changed: \/etc\/ssh\/sshd_config\.d\/10-hardening\.conf$/m);
    expect(first.stdout).toMatch(/^changed: \/etc\/sudoers\.d\/90-enrollment-deploy$/m);
    expect(first.stdout.trimEnd().split("\n").slice(-2)).toEqual(["changed: ufw enabled", expect.stringMatching(/^\d+ changes$/)]);
    expect(inServer("sshd -t && sshd -T | grep -E '^(permitrootlogin|passwordauthentication) '")).toBe("permitrootlogin no\npasswordauthentication no\n");
    expect(inServer("visudo -c >/dev/null && sudo -l -U deploy | tail -n 1").trim()).toBe("(ALL) NOPASSWD: ALL");
    expect(inServer("ufw status | head -n 1")).toBe("Status: active\n");
    expect(inServer(`grep -c '^systemctl reload ssh$' ${STAND_IN_LOG}`).trim()).toBe("1");
  });

  it("changes nothing the second time", () => {
    const second = lab.inRoot(SERVER, script, SESSION);
    expect(second).toMatchObject({ status: 0 });
    expect(second.stdout).not.toContain("changed:");
    expect(second.stdout.trimEnd().split("\n").pop()).toBe("no changes");
    expect(inServer(`grep -c '^systemctl reload ssh$' ${STAND_IN_LOG}`).trim()).toBe("1");
  });

  it("puts the previous SSH drop-in back and stops when sshd refuses a new one", () => {
    const before = inServer("cat /etc/ssh/sshd_config.d/10-hardening.conf");
    const refused = lab.inRoot(SERVER, `${ENROLLMENT_HELPERS}\nensure_file /etc/ssh/sshd_config.d/10-hardening.conf 0644 root:root 'PermitRootLogin maybe\n'\necho "not reached"\n`);
    expect(refused.status).toBe(1);
    expect(refused.stdout).not.toContain("not reached");
    expect(refused.stderr).toContain("enroll: sshd refuses /etc/ssh/sshd_config.d/10-hardening.conf; the previous file is back in place");
    expect(inServer("cat /etc/ssh/sshd_config.d/10-hardening.conf")).toBe(before);
    expect(inServer("sshd -t && echo valid")).toBe("valid\n");
  });
});
