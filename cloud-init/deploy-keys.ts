import type { CloudConfigPart } from "./cloud-config";
import { CloudInitInputError } from "./errors";
import { shellQuote } from "./shell-quote";

/**
 * The deploy user's authorized keys after first boot: the hosts and main stacks upload the key
 * set over SSH and run DEPLOY_KEYS_SYNC_SCRIPT, which replaces ~<user>/.ssh/authorized_keys
 * atomically (docs/key-rotation.md).
 */
export const DEPLOY_KEYS_SYNC_SCRIPT = "/usr/local/sbin/deploy-keys-sync";

const USER_NAME = /^[a-z_][a-z0-9_-]{0,31}$/;

/** The authorized_keys file of a key set: one key per line, in the given order, duplicates dropped. */
export function authorizedKeysFile(keys: readonly string[]): string {
  return [...new Set(keys.map((key) => key.trim()))].map((key) => `${key}\n`).join("");
}

/**
 * `deploy-keys-sync KEY...`: installs a key set for the deploy user, one key per argument (so
 * the command that calls it is one line of shell-quoted words). It refuses an empty set or an
 * argument that is not a public key (a mangled command must not lock the user out), writes the
 * new file beside the old one (same owner, mode 0600) and renames it over, so sshd never reads
 * a half-written file. Prints whether anything changed.
 */
export function deployKeysSyncScript(user: string): string {
  if (!USER_NAME.test(user) || user === "root") throw new CloudInitInputError("deployKeysSyncScript", "user", user, "expected a Linux user name other than root");
  return `#!/bin/sh
# deploy-keys-sync KEY...: installs the deploy user's SSH key set pushed by Terraform.
set -eu
user=${shellQuote(user)}
if [ "$#" -eq 0 ]; then
  echo "usage: deploy-keys-sync KEY... (at least one SSH public key)" >&2
  exit 2
fi
new=$(mktemp)
trap 'rm -f "$new"' EXIT
printf '%s\\n' "$@" >"$new"
if grep -Evq '^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)|sk-ssh-ed25519@openssh.com|sk-ecdsa-sha2-nistp256@openssh.com) [A-Za-z0-9+/]+={0,2}( [^[:cntrl:]]*)?$' "$new"; then
  echo "deploy-keys-sync: an argument is not an SSH public key; nothing changed" >&2
  exit 1
fi
home=$(getent passwd "$user" | cut -d: -f6)
group=$(id -gn "$user")
install -d -m 0700 -o "$user" -g "$group" "$home/.ssh"
target="$home/.ssh/authorized_keys"
if [ -f "$target" ] && cmp -s "$new" "$target"; then
  echo "authorized_keys of $user: unchanged ($(wc -l <"$target") keys)"
  exit 0
fi
install -m 0600 -o "$user" -g "$group" "$new" "$target.new"
mv -f "$target.new" "$target"
echo "authorized_keys of $user: replaced ($(wc -l <"$target") keys)"
`;
}

/** Installs the key sync script; the key set itself comes with the user (cloud-init's users module). */
export function deployKeysPart(user: string): CloudConfigPart {
  return { write_files: [{ path: DEPLOY_KEYS_SYNC_SCRIPT, permissions: "0755", content: deployKeysSyncScript(user) }] };
}
