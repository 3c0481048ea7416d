import { createHash } from "node:crypto";
import { Resource } from "@cdktf/provider-null/lib/resource";
import { Construct } from "constructs";
import { authorizedKeysFile, DEPLOY_KEYS_SYNC_SCRIPT } from "../cloud-init/deploy-keys";
import { shellQuote } from "../cloud-init/shell-quote";
import { sshPublicKeyProblem } from "../config/ssh-key";
import { nameResource, RESOURCE_NAMES } from "./addresses";
import { pinnedSshConnection } from "./ssh-connection";
import { PropsError } from "./validation";

export interface AuthorizedKeysSyncProps {
  /** The host's name in the config: it names the Terraform resource (`deploy_keys_sync_<name>`). */
  readonly hostName: string;
  /** Where SSH reaches the host: its public IPv4 (the droplet's is a reference). */
  readonly host: string;
  /** The host's public SSH host key, pinned by the connection. */
  readonly hostKey: string;
  /** The deploy user: the login of the connection and the owner of the key set. */
  readonly sshUser: string;
  /** The key set the deploy user must have: the current key first, then keys kept during a rotation. */
  readonly authorizedKeys: readonly string[];
}

/**
 * Keeps the deploy user's ~/.ssh/authorized_keys of one host equal to the config's key set,
 * without rebuilding the host: a null_resource whose trigger is the key set's hash runs
 * deploy-keys-sync over SSH with the keys as shell-quoted arguments (one line, nothing
 * uploaded). The connection logs in with a key the host still trusts
 * (the retired one during a rotation), so a rotation never locks Terraform out
 * (docs/key-rotation.md).
 */
export class AuthorizedKeysSync extends Construct {
  readonly sync: Resource;

  constructor(scope: Construct, id: string, props: AuthorizedKeysSyncProps) {
    super(scope, id);
    const path = this.node.path;
    if (props.authorizedKeys.length === 0) throw new PropsError(path, "authorizedKeys", props.authorizedKeys, "expected at least one SSH public key");
    props.authorizedKeys.forEach((key, index) => {
      const problem = sshPublicKeyProblem(key);
      if (problem !== undefined) throw new PropsError(path, `authorizedKeys[${index}]`, key.slice(0, 40), problem);
    });
    const connection = pinnedSshConnection(path, { host: props.host, user: props.sshUser, hostKey: props.hostKey });
    const content = authorizedKeysFile(props.authorizedKeys);
    const keys = content.trimEnd().split("\n");
    this.sync = nameResource(new Resource(this, "sync", {
      triggers: {
        authorized_keys_sha256: createHash("sha256").update(content).digest("hex"),
        host: props.host,
        host_key: connection.hostKey as string,
      },
      connection,
      // Passed as written: terraform-literals.ts makes `${` and `%{` inert.
      provisioners: [{ type: "remote-exec", inline: [`sudo ${DEPLOY_KEYS_SYNC_SCRIPT} ${keys.map(shellQuote).join(" ")}`] }],
    }), RESOURCE_NAMES.deployKeysSync(props.hostName));
  }
}
