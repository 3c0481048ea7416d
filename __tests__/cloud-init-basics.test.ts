import { parse } from "yaml";
import { mergeParts, renderCloudConfig } from "../cloud-init/cloud-config";
import { dropletUserData } from "../cloud-init/host-user-data";
import { usersSshPart } from "../cloud-init/users-ssh";
import { exampleConfig } from "./helpers/synth";

describe("droplet user data", () => {
  it("is a #cloud-config document that parses as YAML", async () => {
    const userData = dropletUserData(await exampleConfig());
    expect(userData.split("\n")[0]).toBe("#cloud-config");
    expect(() => parse(userData, { uniqueKeys: true })).not.toThrow();
  });

  it("creates only the deploy user, key-only, and turns off password and root SSH", async () => {
    const config = await exampleConfig();
    const document = parse(dropletUserData(config)) as Record<string, unknown>;
    expect(document.users).toEqual([
      {
        name: "deploy",
        groups: ["sudo", "docker"],
        shell: "/bin/bash",
        sudo: "ALL=(ALL) NOPASSWD:ALL",
        lock_passwd: true,
        ssh_authorized_keys: [config.sshPublicKey],
      },
    ]);
    expect(document).toMatchObject({ ssh_pwauth: false, disable_root: true });
    const dropIn = (document.write_files as { path: string; content: string }[]).find((file) => file.path.startsWith("/etc/ssh/sshd_config.d/"));
    expect(dropIn?.content).toContain("PermitRootLogin no\n");
    expect(dropIn?.content).toContain("PasswordAuthentication no\n");
  });
});

describe("cloud-config parts", () => {
  it("concatenate lists in order and de-duplicate packages", () => {
    expect(mergeParts([{ packages: ["ufw"], runcmd: ["a"] }, { packages: ["ufw", "curl"], runcmd: ["b"] }])).toEqual({
      packages: ["ufw", "curl"],
      runcmd: ["a", "b"],
    });
  });

  it("refuse two parts that disagree on a scalar", () => {
    expect(() => mergeParts([{ ssh_pwauth: false }, { ssh_pwauth: true }])).toThrow("cloud-config parts disagree on ssh_pwauth: false vs true");
  });

  it("render keys and values without YAML surprises (no anchors, quoted octal modes)", () => {
    const rendered = renderCloudConfig([usersSshPart({ authorizedKeys: ["ssh-ed25519 AAAA x"] })]);
    expect(rendered).toContain('permissions: "0644"');
    expect(rendered).not.toMatch(/[&*]\w+/);
  });

  it("merge apt sources by name and refuse two different sources under one name", () => {
    const docker = { source: "deb [signed-by=$KEY_FILE] https://example.org/x $RELEASE stable", key: "k" };
    expect(mergeParts([{ apt: { sources: { "a.list": docker } } }, { apt: { sources: { "b.list": docker } } }]).apt?.sources).toEqual({ "a.list": docker, "b.list": docker });
    expect(() => mergeParts([{ apt: { sources: { "a.list": docker } } }, { apt: { sources: { "a.list": { ...docker, key: "other" } } } }])).toThrow(
      "cloud-config parts disagree on apt source a.list",
    );
  });

  it("refuse two parts writing the same file (appending to it is a different write)", () => {
    const file = { path: "/etc/x", permissions: "0644", content: "a" };
    expect(() => mergeParts([{ write_files: [file] }, { write_files: [file] }])).toThrow("cloud-config parts both write /etc/x");
    expect(() => mergeParts([{ write_files: [file] }, { write_files: [{ ...file, append: true }] }])).not.toThrow();
  });

  it("refuse a user without keys", () => {
    expect(() => usersSshPart({ authorizedKeys: [] })).toThrow("usersSshPart: at least one authorized key is required");
  });
});
