import type { SSHProvisionerConnection } from "cdktf";
import { sshPublicKeyProblem } from "../config/ssh-key";
import { PropsError, requireMatch } from "./validation";

/**
 * The SSH connection of every provisioner the stacks run: the deploy user with the key of the
 * operator's SSH agent, and the host key pinned from config (never trust-on-first-use). Terraform
 * forwards no agent and uses no bastion unless asked; neither is asked.
 */
export function pinnedSshConnection(path: string, props: { readonly host: string; readonly user: string; readonly hostKey: string }): SSHProvisionerConnection {
  requireMatch(path, "sshUser", props.user, /^[a-z_][a-z0-9_-]{0,31}$/, "expected a Linux user name");
  if (props.user === "root") throw new PropsError(path, "sshUser", props.user, "expected the unprivileged deploy user (root cannot log in over SSH)");
  const problem = sshPublicKeyProblem(props.hostKey);
  if (problem !== undefined) throw new PropsError(path, "hostKey", props.hostKey.slice(0, 40), `expected the host's public SSH host key: it ${problem}`);
  return { type: "ssh", host: props.host, user: props.user, agent: "true", hostKey: hostKeyBody(props.hostKey), timeout: "2m" };
}

/** `<type> <base64>`: the comment of a host key line is dropped. */
export function hostKeyBody(hostKey: string): string {
  return hostKey.trim().split(/\s+/).slice(0, 2).join(" ");
}
