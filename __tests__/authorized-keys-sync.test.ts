import { spawnSync } from "node:child_process";
import { TerraformStack, Testing } from "cdktf";
import { AuthorizedKeysSync, type AuthorizedKeysSyncProps } from "../constructs/authorized-keys-sync";

const HOST_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOOWYTTFipthPA0bqu7ZtGdb6qVJmleiw9kq+A9NzLBa";
const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKpn7kzZTvCxBhv1SlPnQ1nMx8wlrEKzR4HaSdyFrSic deploy@example.com";
const PROPS: AuthorizedKeysSyncProps = { hostName: "core-prod", host: "198.51.100.20", hostKey: `${HOST_KEY} root@core-prod`, sshUser: "deploy", authorizedKeys: [KEY] };

function synthesized(props: Partial<AuthorizedKeysSyncProps> = {}): Record<string, unknown> {
  const stack = new TerraformStack(Testing.app(), "hosts");
  new AuthorizedKeysSync(stack, "core-prod_deploy_keys", { ...PROPS, ...props });
  const json = JSON.parse(Testing.synth(stack)) as { resource: { null_resource: Record<string, Record<string, unknown>> } };
  return Object.values(json.resource.null_resource)[0]!;
}

describe("AuthorizedKeysSync construct", () => {
  it("connects as the deploy user with the agent's key and the pinned host key (comment dropped), never forwarding the agent", () => {
    expect(synthesized().connection).toEqual({ type: "ssh", host: "198.51.100.20", user: "deploy", agent: "true", host_key: HOST_KEY, timeout: "2m" });
  });

  it("runs again when the key set, the address or the host key changes, and only then", () => {
    const triggers = synthesized().triggers as Record<string, string>;
    expect(Object.keys(triggers).sort()).toEqual(["authorized_keys_sha256", "host", "host_key"]);
    expect(synthesized().triggers).toEqual(triggers);
    expect((synthesized({ authorizedKeys: [KEY, KEY.replace("deploy@", "old@")] }).triggers as Record<string, string>).authorized_keys_sha256).not.toBe(triggers.authorized_keys_sha256);
  });

  it("passes exactly the key set to deploy-keys-sync, whatever its comments hold, in one command", () => {
    // Comments are printable ASCII without quotes or backslashes (config/ssh-key.ts); shell syntax is allowed and stays data.
    const hostile = `${KEY.split(" ").slice(0, 2).join(" ")} it is ${"$"}{HOME} $(id) ;rm -rf /|end &`;
    const inline = ((synthesized({ authorizedKeys: [KEY, hostile] }).provisioner as { "remote-exec": { inline: string[] } }[])[0]!["remote-exec"]).inline;
    expect(inline).toHaveLength(1);
    expect(inline[0]).toMatch(/^sudo \/usr\/local\/sbin\/deploy-keys-sync '/);
    const asArguments = inline[0]!.replace(/\$\$\{/g, "${").replace(/^sudo \/usr\/local\/sbin\/deploy-keys-sync /, "printf '%s\\n' ");
    expect(spawnSync("bash", ["-c", asArguments], { encoding: "utf8" }).stdout).toBe(`${KEY}\n${hostile}\n`);
  });

  it("refuses a host key that is not an SSH public key, and an empty or malformed key set", () => {
    expect(() => synthesized({ hostKey: "AAAAC3NzaC1lZDI1NTE5" })).toThrow(/hostKey = "AAAAC3NzaC1lZDI1NTE5": expected the host's public SSH host key/);
    expect(() => synthesized({ authorizedKeys: [] })).toThrow(/authorizedKeys = \[\]: expected at least one SSH public key/);
    expect(() => synthesized({ authorizedKeys: ["ssh-ed25519 AAAA"] })).toThrow(/authorizedKeys\[0\]/);
    expect(() => synthesized({ authorizedKeys: [`${KEY.split(" ").slice(0, 2).join(" ")} it's "quoted"`] })).toThrow(/authorizedKeys\[0\].*printable ASCII/);
    expect(() => synthesized({ sshUser: "root" })).toThrow(/sshUser = "root"/);
  });
});
