import type { Config } from "../config/config";
import { renderCloudConfig } from "./cloud-config";
import { usersSshPart } from "./users-ssh";

/** The droplet's user data, built from typed parts. */
export function dropletUserData(config: Config): string {
  return renderCloudConfig([
    { package_update: true },
    usersSshPart({ user: config.deployUser, authorizedKeys: [config.sshPublicKey] }),
  ]);
}
