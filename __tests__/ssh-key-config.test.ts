import { configFrom, EXAMPLE_SOURCE, withSetting } from "./helpers/synth";

const OLD_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKpn7kzZTvCxBhv1SlPnQ1nMx8wlrEKzR4HaSdyFrSic deploy@example.com";
const NEW_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBD3A9RE8G89u7w5I6oE7sZRU/u0iMlkN6EZf2yn4yCd deploy-2026@example.com";
const CORE_PROD_HOST_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOOWYTTFipthPA0bqu7ZtGdb6qVJmleiw9kq+A9NzLBa";

describe("config: SSH keys of the deploy user and of the hosts", () => {
  it("reads each host's ssh_host_key as `<type> <base64>`, dropping a comment", async () => {
    const config = await configFrom(EXAMPLE_SOURCE.replace(`"${CORE_PROD_HOST_KEY}"`, `"  ${CORE_PROD_HOST_KEY} root@core-prod "`));
    expect(config.hosts.find((host) => host.name === "core-prod")?.sshHostKey).toBe(CORE_PROD_HOST_KEY);
  });

  it("leaves a host without ssh_host_key without one", async () => {
    const config = await configFrom(EXAMPLE_SOURCE.replace(`    ssh_host_key         = "${CORE_PROD_HOST_KEY}"\n`, ""));
    expect(config.hosts.find((host) => host.name === "core-prod")?.sshHostKey).toBeUndefined();
  });

  it("reads retired_ssh_public_keys (kept authorized during a rotation), trimmed, after the current key", async () => {
    const source = withSetting(withSetting(EXAMPLE_SOURCE, "ssh_public_key", JSON.stringify(NEW_KEY)), "retired_ssh_public_keys", `[" ${OLD_KEY} "]`);
    const config = await configFrom(source);
    expect([config.sshPublicKey, ...(config.retiredSshPublicKeys ?? [])]).toEqual([NEW_KEY, OLD_KEY]);
  });

  it("refuses a retired key that is the current one, whatever its comment", async () => {
    const source = withSetting(EXAMPLE_SOURCE, "retired_ssh_public_keys", `["${OLD_KEY.replace("deploy@example.com", "other comment")}"]`);
    await expect(configFrom(source)).rejects.toThrow(/retired_ssh_public_keys\[0\].*is ssh_public_key or listed twice/);
  });

  it("refuses a retired key that is not an SSH public key", async () => {
    await expect(configFrom(withSetting(EXAMPLE_SOURCE, "retired_ssh_public_keys", '["ssh-ed25519 AAAA"]'))).rejects.toThrow(/retired_ssh_public_keys\[0\]/);
  });
});
