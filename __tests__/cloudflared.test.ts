import { spawnSync } from "node:child_process";
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { CLOUD_CONFIG_KEYS, renderCloudConfig } from "../cloud-init/cloud-config";
import {
  CLOUDFLARE_APT_KEY_URL,
  CLOUDFLARE_APT_REPOSITORY,
  CLOUDFLARED_BINARY,
  CLOUDFLARED_INSTALL_SCRIPT,
  CLOUDFLARED_PATH_UNIT,
  CLOUDFLARED_PATH_UNIT_PATH,
  CLOUDFLARED_UNIT,
  CLOUDFLARED_UNIT_PATH,
  cloudflaredPart,
  TUNNEL_TOKEN_FILE,
} from "../cloud-init/cloudflared";
import { hostCloudConfigParts } from "../cloud-init/host-cloud-config";
import { HOST_TARGETS, TARGET_FACTS, type HostTarget } from "../cloud-init/targets";
import {
  cloudInitValidatorProblemsOfEach,
  itWith,
  parseUserData,
  permissionProblems,
  REQUIREMENTS,
  schemaProblems,
  schemaTopLevelKeys,
  shellcheckProblems,
  shellcheckProblemsOfEach,
  shellSnippets,
  unknownTopLevelKeys,
  yamlProblems,
} from "./helpers/checkers";
import { coreProdOptions } from "./helpers/user-data-samples";

interface Sample {
  readonly name: string;
  readonly target: HostTarget;
  readonly userData: string;
}

/** The part alone, and merged into a full OVH host document, for both targets. */
const SAMPLES: Sample[] = HOST_TARGETS.flatMap((target) => [
  { name: `cloudflared alone (${target})`, target, userData: renderCloudConfig([cloudflaredPart({ target })]) },
  {
    name: `core-prod host + cloudflared (${target})`,
    target,
    userData: renderCloudConfig([...hostCloudConfigParts(coreProdOptions({ target })), cloudflaredPart({ target })]),
  },
]);

type WrittenFile = { path: string; content: string; permissions: string; owner?: string };

function filesOf(userData: string): WrittenFile[] {
  return (parseUserData(userData).write_files ?? []) as WrittenFile[];
}

function unitSettings(unit: string): Map<string, string[]> {
  const settings = new Map<string, string[]>();
  for (const line of unit.split("\n")) {
    const match = /^([A-Za-z]+)=(.*)$/.exec(line);
    if (match?.[1] !== undefined) settings.set(match[1], [...(settings.get(match[1]) ?? []), match[2] ?? ""]);
  }
  return settings;
}

describe("cloudflaredPart: what it installs", () => {
  const part = cloudflaredPart({ target: "debian-12" });
  const files = new Map((part.write_files ?? []).map((file) => [file.path, file]));

  it("writes the install script, the service and the path unit, and never the token file", () => {
    expect([...files.keys()].sort()).toEqual([CLOUDFLARED_PATH_UNIT_PATH, CLOUDFLARED_UNIT_PATH, CLOUDFLARED_INSTALL_SCRIPT].sort());
    expect(files.has(TUNNEL_TOKEN_FILE)).toBe(false);
    for (const sample of SAMPLES) expect(filesOf(sample.userData).map((file) => file.path)).not.toContain(TUNNEL_TOKEN_FILE);
    expect(JSON.stringify(part)).not.toMatch(/TUNNEL_TOKEN=|--token/);
  });

  it("installs from Cloudflare's documented repository, with the key fetched over HTTPS only", () => {
    const script = files.get(CLOUDFLARED_INSTALL_SCRIPT)?.content ?? "";
    expect(CLOUDFLARE_APT_REPOSITORY).toBe("https://pkg.cloudflare.com/cloudflared any main");
    expect(script).toContain(`deb [signed-by=$keyring] ${CLOUDFLARE_APT_REPOSITORY}`);
    expect(script).toContain(`--proto '=https'`);
    expect(script).toContain(CLOUDFLARE_APT_KEY_URL);
    expect(CLOUDFLARE_APT_KEY_URL).toMatch(/^https:\/\/pkg\.cloudflare\.com\//);
    expect(script).toMatch(/apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends cloudflared$/m);
    expect(script).toMatch(/^set -eu$/m);
    // The repository is listed by the script, after its key: cloud-init's own apt-get update must not see it keyless.
    expect(part.apt).toBeUndefined();
    expect(part.packages).toEqual(expect.arrayContaining(["curl", "ca-certificates"]));
  });

  it("runs the script, then enables the service and starts watching for the token", () => {
    expect(part.runcmd).toEqual([CLOUDFLARED_INSTALL_SCRIPT, "systemctl daemon-reload", "systemctl enable cloudflared.service", "systemctl enable --now cloudflared-token.path"]);
  });

  it("runs `cloudflared --no-autoupdate tunnel run` with the token from the ops-written env file only", () => {
    const unit = unitSettings(CLOUDFLARED_UNIT);
    expect(unit.get("ExecStart")).toEqual([`${CLOUDFLARED_BINARY} --no-autoupdate tunnel run`]);
    expect(unit.get("EnvironmentFile")).toEqual([TUNNEL_TOKEN_FILE]);
    expect(unit.get("ConditionPathExists")).toEqual([TUNNEL_TOKEN_FILE]);
    expect(TUNNEL_TOKEN_FILE).toBe("/etc/cloudflared/tunnel.env");
    expect(unitSettings(CLOUDFLARED_PATH_UNIT).get("PathChanged")).toEqual([TUNNEL_TOKEN_FILE]);
  });

  it("is hardened: throwaway user, no privileges, read-only system", () => {
    const unit = unitSettings(CLOUDFLARED_UNIT);
    const expected: Record<string, string> = {
      DynamicUser: "yes",
      NoNewPrivileges: "yes",
      ProtectSystem: "strict",
      ProtectHome: "yes",
      PrivateTmp: "yes",
      PrivateDevices: "yes",
      CapabilityBoundingSet: "",
      RestrictSUIDSGID: "yes",
      MemoryDenyWriteExecute: "yes",
      SystemCallFilter: "@system-service",
    };
    for (const [key, value] of Object.entries(expected)) expect({ key, value: unit.get(key) }).toEqual({ key, value: [value] });
  });

  it("refuses a target it is not built for", () => {
    expect(() => cloudflaredPart({ target: "centos-9" as HostTarget })).toThrow(/cloudflaredPart: target = "centos-9": expected one of ubuntu-24.04, debian-12/);
  });
});

describe("cloudflared user data under the cloud-init checkers", () => {
  it("is YAML without duplicate keys, with our top-level keys and sound file modes", () => {
    for (const sample of SAMPLES) {
      expect({ sample: sample.name, problems: yamlProblems(sample.userData) }).toEqual({ sample: sample.name, problems: [] });
      expect({ sample: sample.name, unknown: unknownTopLevelKeys(sample.userData, CLOUD_CONFIG_KEYS) }).toEqual({ sample: sample.name, unknown: [] });
      expect({ sample: sample.name, problems: permissionProblems(sample.userData) }).toEqual({ sample: sample.name, problems: [] });
    }
  });

  itWith(REQUIREMENTS.schemas)("validates against the cloud-init JSON schema its target runs (ajv)", () => {
    for (const sample of SAMPLES) {
      const version = TARGET_FACTS[sample.target].cloudInitSchema;
      expect({ sample: sample.name, problems: schemaProblems(sample.userData, version) }).toEqual({ sample: sample.name, problems: [] });
      expect({ sample: sample.name, unknown: unknownTopLevelKeys(sample.userData, schemaTopLevelKeys(version)) }).toEqual({ sample: sample.name, unknown: [] });
    }
  });

  itWith(REQUIREMENTS.cloudInitValidator)("passes `cloud-init schema` of the version its target runs, with no deprecation", () => {
    for (const version of new Set(SAMPLES.map((sample) => TARGET_FACTS[sample.target].cloudInitSchema))) {
      const samples = SAMPLES.filter((sample) => TARGET_FACTS[sample.target].cloudInitSchema === version);
      const problems = cloudInitValidatorProblemsOfEach(samples.map((sample) => sample.userData), version);
      samples.forEach((sample, index) => expect({ sample: sample.name, problems: problems[index] }).toEqual({ sample: sample.name, problems: [] }));
    }
    expect(SAMPLES.length).toBeGreaterThan(0);
  });

  itWith(REQUIREMENTS.shellcheck)("passes shellcheck: the install script and every runcmd", () => {
    const snippets = SAMPLES.map((sample) => shellSnippets(sample.userData));
    const problems = shellcheckProblemsOfEach(snippets.flat());
    let next = 0;
    SAMPLES.forEach((sample, index) => {
      const mine = snippets[index] ?? [];
      expect(mine.map((snippet) => snippet.origin)).toContain(CLOUDFLARED_INSTALL_SCRIPT);
      expect({ sample: sample.name, problems: problems.slice(next, (next += mine.length)).flat() }).toEqual({ sample: sample.name, problems: [] });
    });
  });

  itWith(REQUIREMENTS.shellcheck)("shellcheck fails on a planted error in the install script (a misspelt variable)", () => {
    const script = (cloudflaredPart({ target: "debian-12" }).write_files ?? []).find((file) => file.path === CLOUDFLARED_INSTALL_SCRIPT)?.content ?? "";
    expect(shellcheckProblems({ origin: "planted", script: script.replace('mv "$keyring.new" "$keyring"', 'mv "$keyring.new" "$keyrng"') })).not.toEqual([]);
  });
});

// ---- systemd-analyze ----

const systemdAnalyze = spawnSync("systemd-analyze", ["--version"], { encoding: "utf8" });
const SYSTEM_UNITS = "/usr/lib/systemd/system";
const haveSystemd = systemdAnalyze.status === 0 && existsSync(SYSTEM_UNITS);
if (!haveSystemd) {
  // Not a CI failure: systemd is not among .ci/run's installs (a container may lack it).
  console.warn("\n!!! SKIPPING systemd-analyze checks of cloudflared.service: systemd-analyze or /usr/lib/systemd/system is missing (apt-get install systemd). !!!\n");
}
const itWithSystemd = haveSystemd ? it : it.skip;

/**
 * `systemd-analyze --root` over a throwaway root holding this machine's system units, a stand-in
 * cloudflared binary (verify checks ExecStart is executable) and the units under test.
 */
function withUnitRoot<T>(units: Record<string, string>, run: (root: string) => T, options: { binary?: boolean } = {}): T {
  const root = mkdtempSync(path.join(tmpdir(), "cloudflared-units-"));
  try {
    cpSync(SYSTEM_UNITS, path.join(root, SYSTEM_UNITS), { recursive: true });
    mkdirSync(path.join(root, "etc/systemd/system"), { recursive: true });
    if (options.binary !== false) {
      mkdirSync(path.join(root, path.dirname(CLOUDFLARED_BINARY)), { recursive: true });
      writeFileSync(path.join(root, CLOUDFLARED_BINARY), "#!/bin/sh\n");
      chmodSync(path.join(root, CLOUDFLARED_BINARY), 0o755);
    }
    for (const [name, content] of Object.entries(units)) writeFileSync(path.join(root, "etc/systemd/system", name), content);
    return run(root);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** Everything `systemd-analyze verify` says (it reports unknown keys and bad values as warnings, exit 0). */
function verifyProblems(units: Record<string, string>, options: { binary?: boolean } = {}): string[] {
  return withUnitRoot(
    units,
    (root) => {
      const files = Object.keys(units).map((name) => path.join(root, "etc/systemd/system", name));
      const result = spawnSync("systemd-analyze", [`--root=${root}`, "verify", ...files], { encoding: "utf8" });
      const output = `${result.stdout}${result.stderr}`.trim();
      return result.status === 0 && output === "" ? [] : [`exit ${result.status}: ${output}`];
    },
    options,
  );
}

const UNITS = { "cloudflared.service": CLOUDFLARED_UNIT, "cloudflared-token.path": CLOUDFLARED_PATH_UNIT };

describe(`cloudflared units under systemd-analyze (${haveSystemd ? systemdAnalyze.stdout.split("\n")[0] : "missing"})`, () => {
  itWithSystemd("verify finds nothing to say about the service and the path unit", () => {
    expect(verifyProblems(UNITS)).toEqual([]);
  });

  itWithSystemd("verify reports a planted unknown key, a bad value and a missing binary", () => {
    expect(verifyProblems({ ...UNITS, "cloudflared.service": CLOUDFLARED_UNIT.replace("RestartSec=", "RestartSecs=") })).toEqual([expect.stringMatching(/Unknown key 'RestartSecs'/)]);
    expect(verifyProblems({ ...UNITS, "cloudflared.service": CLOUDFLARED_UNIT.replace("ProtectSystem=strict", "ProtectSystem=strictest") })).toEqual([expect.stringMatching(/strictest/)]);
    expect(verifyProblems(UNITS, { binary: false })).toEqual([expect.stringMatching(/is not executable/)]);
  });

  itWithSystemd("security rates the service's exposure 2.0 or better (systemd calls below 4.0 OK)", () => {
    const exposure = withUnitRoot(UNITS, (root) => {
      const result = spawnSync("systemd-analyze", ["security", "--offline=yes", `--root=${root}`, "--no-pager", "cloudflared.service"], { encoding: "utf8" });
      return /Overall exposure level for cloudflared\.service: ([0-9.]+)/.exec(result.stdout)?.[1];
    });
    console.log(`systemd-analyze security: cloudflared.service exposure ${exposure}`);
    expect(Number(exposure)).toBeLessThanOrEqual(2.0);
  });
});

// ---- the install script, run for real in a private mount namespace ----

const canOverlay =
  process.getuid?.() === 0 &&
  spawnSync("unshare", ["-m", "sh", "-c", "mount -t tmpfs tmpfs /mnt"], { encoding: "utf8" }).status === 0 &&
  existsSync("/usr/share/keyrings");
const OVERLAY = { name: "root with unshare -m (mount namespaces)", available: canOverlay, install: "run as root with util-linux's unshare" };

/**
 * Runs the install script with `sh` (dash on Debian) in a private mount namespace whose /etc and
 * /usr/share are overlays onto scratch directories: what it writes lands there, this machine is
 * untouched. curl and apt-get are stand-ins that log their arguments (no network here); the rest
 * (install, chmod, mv, echo) is real.
 */
function runInstallScript(script: string, options: { curlFails?: boolean } = {}): { status: number | null; output: string; etc: string; share: string; log: string[] } {
  const dir = mkdtempSync(path.join(tmpdir(), "install-cloudflared-"));
  try {
    for (const sub of ["etc-upper", "etc-work", "share-upper", "share-work", "bin"]) mkdirSync(path.join(dir, sub));
    const log = path.join(dir, "calls.log");
    const stub = (name: string, body: string) => {
      writeFileSync(path.join(dir, "bin", name), `#!/bin/sh\necho "${name} $*" >> ${log}\n${body}`);
      chmodSync(path.join(dir, "bin", name), 0o755);
    };
    // curl's exit status for an HTTP error with --fail is 22.
    stub("curl", options.curlFails === true ? "exit 22\n" : 'while [ $# -gt 0 ]; do if [ "$1" = --output ]; then echo "fake key" > "$2"; fi; shift; done\n');
    stub("apt-get", "exit 0\n");
    writeFileSync(path.join(dir, "install-cloudflared"), script);
    const body = [
      "set -eu",
      `mount -t overlay overlay -o lowerdir=/etc,upperdir=${dir}/etc-upper,workdir=${dir}/etc-work /etc`,
      `mount -t overlay overlay -o lowerdir=/usr/share,upperdir=${dir}/share-upper,workdir=${dir}/share-work /usr/share`,
      `PATH=${dir}/bin:$PATH sh ${dir}/install-cloudflared`,
    ].join("\n");
    const result = spawnSync("unshare", ["-m", "sh", "-c", body], { encoding: "utf8" });
    const calls = existsSync(log) ? readFileSync(log, "utf8").trim().split("\n") : [];
    const copyOf = (sub: string) => {
      const target = mkdtempSync(path.join(tmpdir(), `${sub}-`));
      cpSync(path.join(dir, sub), target, { recursive: true });
      return target;
    };
    return { status: result.status, output: `${result.stdout}${result.stderr}`, etc: copyOf("etc-upper"), share: copyOf("share-upper"), log: calls };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("the install script, run by sh in a private mount namespace (curl and apt-get stubbed)", () => {
  const script = (cloudflaredPart({ target: "debian-12" }).write_files ?? []).find((file) => file.path === CLOUDFLARED_INSTALL_SCRIPT)?.content ?? "";

  itWith(OVERLAY)("fetches the key over HTTPS, lists the repository signed by it, installs cloudflared, prepares a root-only /etc/cloudflared", () => {
    const run = runInstallScript(script);
    try {
      expect({ status: run.status, output: run.output }).toEqual({ status: 0, output: "" });
      expect(run.log).toEqual([
        expect.stringMatching(new RegExp(`^curl --proto =https .*--output /usr/share/keyrings/cloudflare-main\\.gpg\\.new ${CLOUDFLARE_APT_KEY_URL.replaceAll(".", "\\.")}$`)),
        "apt-get -o DPkg::Lock::Timeout=600 update",
        "apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends cloudflared",
      ]);
      const keyring = path.join(run.share, "keyrings", "cloudflare-main.gpg");
      expect(readFileSync(keyring, "utf8")).toBe("fake key\n");
      expect(statSync(keyring).mode & 0o777).toBe(0o644);
      expect(existsSync(`${keyring}.new`)).toBe(false);
      expect(readFileSync(path.join(run.etc, "apt", "sources.list.d", "cloudflared.list"), "utf8")).toBe(
        `deb [signed-by=/usr/share/keyrings/cloudflare-main.gpg] ${CLOUDFLARE_APT_REPOSITORY}\n`,
      );
      const tokenDir = statSync(path.join(run.etc, "cloudflared"));
      expect({ mode: tokenDir.mode & 0o777, uid: tokenDir.uid, gid: tokenDir.gid }).toEqual({ mode: 0o700, uid: 0, gid: 0 });
      expect(existsSync(path.join(run.etc, "cloudflared", "tunnel.env"))).toBe(false);
    } finally {
      rmSync(run.etc, { recursive: true, force: true });
      rmSync(run.share, { recursive: true, force: true });
    }
  });

  itWith(OVERLAY)("stops at the first failure (set -eu): a failed key download lists no repository and installs nothing", () => {
    const run = runInstallScript(script, { curlFails: true });
    try {
      expect(run.status).toBe(22);
      expect(run.log).toHaveLength(1);
      expect(run.log.filter((call) => call.startsWith("apt-get"))).toEqual([]);
      expect(existsSync(path.join(run.etc, "apt", "sources.list.d", "cloudflared.list"))).toBe(false);
    } finally {
      rmSync(run.etc, { recursive: true, force: true });
      rmSync(run.share, { recursive: true, force: true });
    }
  });
});
