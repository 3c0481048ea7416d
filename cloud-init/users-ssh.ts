import type { CloudConfigPart } from "./cloud-config";

export interface UsersSshOptions {
  /** The only login user. @default "deploy" */
  readonly user?: string;
  readonly authorizedKeys: readonly string[];
  /** Groups; cloud-init creates any that do not exist yet (docker's is created before Docker is installed). @default ["sudo"] */
  readonly groups?: readonly string[];
}

/**
 * The deploy user, key-only SSH, no root login. The `users` list has no `default` entry on
 * purpose: the image's default user (ubuntu/debian) is not created, the deploy user is the
 * only account that can log in.
 */
export function usersSshPart(options: UsersSshOptions): CloudConfigPart {
  if (options.authorizedKeys.length === 0) throw new Error("usersSshPart: at least one authorized key is required");
  return {
    users: [
      {
        name: options.user ?? "deploy",
        groups: options.groups ?? ["sudo"],
        shell: "/bin/bash",
        sudo: "ALL=(ALL) NOPASSWD:ALL",
        lock_passwd: true,
        ssh_authorized_keys: options.authorizedKeys,
      },
    ],
    ssh_pwauth: false,
    disable_root: true,
    write_files: [
      {
        path: "/etc/ssh/sshd_config.d/10-hardening.conf",
        permissions: "0644",
        content: ["PermitRootLogin no", "PasswordAuthentication no", "KbdInteractiveAuthentication no", "PubkeyAuthentication yes", ""].join("\n"),
      },
    ],
    runcmd: ["systemctl reload ssh || systemctl reload sshd || true"],
  };
}
