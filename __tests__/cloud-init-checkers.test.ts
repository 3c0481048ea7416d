import { CLOUD_CONFIG_KEYS } from "../cloud-init/cloud-config";
import { TARGET_FACTS } from "../cloud-init/targets";
import {
  afterRulesAppends,
  cloudInitValidatorProblemsOfEach,
  iptablesRestoreProblems,
  itWith,
  permissionProblems,
  REQUIREMENTS,
  SCHEMA_VERSIONS,
  schemaProblems,
  schemaTopLevelKeys,
  shellcheckProblems,
  shellcheckProblemsOfEach,
  shellSnippets,
  ufwCommands,
  ufwDryRunProblems,
  ufwDryRunProblemsOfEach,
  unknownTopLevelKeys,
  wgProblems,
  wireguardConfigs,
  yamlProblems,
} from "./helpers/checkers";
import { userDataSamples, type UserDataSample } from "./helpers/user-data-samples";

let samples: UserDataSample[] = [];
beforeAll(async () => {
  samples = await userDataSamples();
});

/** A valid document with one planted error, to prove a checker really fails. */
const VALID = `#cloud-config
package_update: true
write_files:
  - path: /etc/example.conf
    permissions: "0644"
    content: |
      ok
runcmd:
  - echo ok
`;

describe("every generated user data", () => {
  it("covers both targets and the droplet, OVH and boot-test variants", () => {
    expect(samples.map((sample) => sample.target).sort()).toEqual(expect.arrayContaining(["debian-12", "ubuntu-24.04"]));
    expect(samples.length).toBeGreaterThanOrEqual(6);
  });

  it("is YAML without duplicate keys, whose top-level keys are all ours", () => {
    for (const sample of samples) {
      expect({ sample: sample.name, problems: yamlProblems(sample.userData) }).toEqual({ sample: sample.name, problems: [] });
      expect({ sample: sample.name, unknown: unknownTopLevelKeys(sample.userData, CLOUD_CONFIG_KEYS) }).toEqual({ sample: sample.name, unknown: [] });
    }
  });

  it("writes files with octal permission strings, WireGuard files 0600, nothing world-writable", () => {
    for (const sample of samples) expect({ sample: sample.name, problems: permissionProblems(sample.userData) }).toEqual({ sample: sample.name, problems: [] });
  });

  for (const version of SCHEMA_VERSIONS) {
    itWith(REQUIREMENTS.schemas)(`validates against cloud-init ${version}'s JSON schema (ajv), with only top-level keys that schema knows`, () => {
      const known = schemaTopLevelKeys(version);
      for (const sample of samples) {
        expect({ sample: sample.name, problems: schemaProblems(sample.userData, version) }).toEqual({ sample: sample.name, problems: [] });
        expect({ sample: sample.name, unknown: unknownTopLevelKeys(sample.userData, known) }).toEqual({ sample: sample.name, unknown: [] });
      }
    });

    itWith(REQUIREMENTS.cloudInitValidator)(`passes cloud-init ${version}'s own \`cloud-init schema\`, with no deprecation`, () => {
      const problems = cloudInitValidatorProblemsOfEach(samples.map((sample) => sample.userData), version);
      samples.forEach((sample, index) => expect({ sample: sample.name, problems: problems[index] }).toEqual({ sample: sample.name, problems: [] }));
    });
  }

  it("is checked against the cloud-init schema its target runs", () => {
    expect(TARGET_FACTS["debian-12"].cloudInitSchema).toBe("22.4");
    expect(TARGET_FACTS["ubuntu-24.04"].cloudInitSchema).toBe("25.1");
  });

  itWith(REQUIREMENTS.shellcheck)("passes shellcheck in every runcmd, script and wg-quick hook", () => {
    const snippets = samples.map((sample) => shellSnippets(sample.userData));
    const problems = shellcheckProblemsOfEach(snippets.flat());
    let next = 0;
    samples.forEach((sample, index) => {
      const mine = snippets[index] ?? [];
      expect(mine.length).toBeGreaterThan(5);
      expect({ sample: sample.name, problems: problems.slice(next, (next += mine.length)).flat() }).toEqual({ sample: sample.name, problems: [] });
    });
    expect(next).toBe(problems.length);
  });

  itWith(REQUIREMENTS.wg)("has WireGuard configs that wg parses completely", () => {
    const withWireguard = samples.filter((sample) => wireguardConfigs(sample.userData).length > 0);
    expect(withWireguard.length).toBeGreaterThanOrEqual(3);
    for (const sample of withWireguard) {
      for (const config of wireguardConfigs(sample.userData)) expect({ sample: sample.name, problems: wgProblems(config.content) }).toEqual({ sample: sample.name, problems: [] });
    }
  });

  itWith(REQUIREMENTS.ufw)("has ufw commands that `ufw --dry-run` accepts, every one of them", () => {
    const commands = samples.map((sample) => ufwCommands(sample.userData));
    const problems = ufwDryRunProblemsOfEach(commands);
    samples.forEach((sample, index) => {
      expect(commands[index]!.length).toBeGreaterThan(3);
      expect({ sample: sample.name, problems: problems[index] }).toEqual({ sample: sample.name, problems: [] });
    });
  });

  itWith(REQUIREMENTS.iptables)("has after.rules additions that iptables-restore accepts on top of ufw's own files", () => {
    for (const sample of samples) {
      const appends = afterRulesAppends(sample.userData);
      expect(appends.map((file) => file.path).sort()).toEqual(["/etc/ufw/after.rules", "/etc/ufw/after6.rules"]);
      for (const file of appends) expect({ sample: sample.name, problems: iptablesRestoreProblems(file) }).toEqual({ sample: sample.name, problems: [] });
    }
  });
});

describe("each checker fails on a planted error", () => {
  it("the valid baseline passes the document checks", () => {
    expect(yamlProblems(VALID)).toEqual([]);
    expect(unknownTopLevelKeys(VALID, CLOUD_CONFIG_KEYS)).toEqual([]);
    expect(permissionProblems(VALID)).toEqual([]);
  });

  it("duplicate key", () => {
    expect(yamlProblems(VALID.replace("package_update: true", "package_update: true\npackage_update: false"))).not.toEqual([]);
    expect(yamlProblems(VALID.replace("    permissions:", '    path: /etc/other\n    permissions:'))).not.toEqual([]);
  });

  it("unknown top-level key", () => {
    expect(unknownTopLevelKeys(`${VALID}wireguard: {}\n`, CLOUD_CONFIG_KEYS)).toEqual(["wireguard"]);
  });

  it("permission strings: a YAML number, a non-octal string, a world-readable WireGuard file", () => {
    expect(permissionProblems(VALID.replace('"0644"', "0644"))).toHaveLength(1);
    expect(permissionProblems(VALID.replace('"0644"', '"644"'))).toHaveLength(1);
    expect(permissionProblems(VALID.replace("/etc/example.conf", "/etc/wireguard/wg1.conf"))).toEqual(['/etc/wireguard/wg1.conf: expected 0600, found 0644']);
  });

  for (const version of SCHEMA_VERSIONS) {
    itWith(REQUIREMENTS.schemas)(`cloud-init ${version} JSON schema: wrong type, unknown user field`, () => {
      expect(schemaProblems(VALID, version)).toEqual([]);
      expect(schemaProblems(VALID.replace("package_update: true", "package_update: yes-please"), version)).not.toEqual([]);
      expect(schemaProblems(`${VALID}users:\n  - name: deploy\n    sudoers: ALL\n`, version)).not.toEqual([]);
      expect(unknownTopLevelKeys(`${VALID}packges: [curl]\n`, schemaTopLevelKeys(version))).toEqual(["packges"]);
    });

    itWith(REQUIREMENTS.cloudInitValidator)(`cloud-init ${version}'s own validator: a permission that is a number, a deprecated key`, () => {
      const [valid, numeric, deprecated] = cloudInitValidatorProblemsOfEach([VALID, VALID.replace('"0644"', "644"), VALID.replace("package_update: true", "apt_update: true")], version);
      expect(valid).toEqual([]);
      expect(numeric).not.toEqual([]);
      expect(deprecated).toEqual([expect.stringMatching(/reports deprecations: apt_update/)]);
    });
  }

  itWith(REQUIREMENTS.shellcheck)("shellcheck: an unquoted variable in runcmd, a syntax error in a script", () => {
    expect(shellSnippets(VALID).flatMap(shellcheckProblems)).toEqual([]);
    const planted = VALID.replace("  - echo ok", '  - rm -rf $TARGET/*').replace("      ok", "      ok");
    expect(shellSnippets(planted).flatMap(shellcheckProblems)).not.toEqual([]);
    expect(shellcheckProblems({ origin: "script", script: "#!/bin/sh\nif true; then echo x\n" })).not.toEqual([]);
  });

  itWith(REQUIREMENTS.wg)("wg: an invalid allowed IP, an unknown key, a truncated public key", () => {
    const good = "[Interface]\nListenPort = 51820\n\n[Peer]\nPublicKey = x+6sD69578gzPyxfFJ+8QJZ1I7f9yjQk7NiKF/VXQ2M=\nAllowedIPs = 10.8.0.2/32\n";
    expect(wgProblems(good)).toEqual([]);
    expect(wgProblems(good.replace("10.8.0.2/32", "10.8.0.300/32"))).not.toEqual([]);
    expect(wgProblems(good.replace("ListenPort", "ListenPorts"))).not.toEqual([]);
    expect(wgProblems(good.replace("VXQ2M=", "VXQ2"))).not.toEqual([]);
  });

  itWith(REQUIREMENTS.ufw)("ufw --dry-run: an invalid source, a port without protocol range rules", () => {
    const [valid, badSource, rangeWithoutProtocol] = ufwDryRunProblemsOfEach([
      ["ufw allow proto tcp from 203.0.113.7/32 to any port 22 comment 'ok'"],
      ["ufw allow proto tcp from 203.0.113.7/33 to any port 22"],
      ["ufw allow from any to any port 6000:6010"],
    ]);
    expect(valid).toEqual([]);
    expect(badSource).not.toEqual([]);
    expect(rangeWithoutProtocol).not.toEqual([]);
    // The single-list form, as other tests use it.
    expect(ufwDryRunProblems(["ufw allow proto tcp from 203.0.113.7/33 to any port 22"])).not.toEqual([]);
  });

  itWith(REQUIREMENTS.iptables)("iptables-restore: an unknown option in the DOCKER-USER block", () => {
    const block = "*filter\n:DOCKER-USER - [0:0]\n-A DOCKER-USER -p tcp -m conntrack --ctorigdstport 80 --ctdir ORIGINAL -j RETURN\nCOMMIT\n";
    expect(iptablesRestoreProblems({ path: "/etc/ufw/after.rules", content: block }, "")).toEqual([]);
    expect(iptablesRestoreProblems({ path: "/etc/ufw/after.rules", content: block.replace("--ctdir", "--ctdirection") }, "")).not.toEqual([]);
  });
});
