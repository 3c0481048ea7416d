import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { DOCKER_APT_KEY, DOCKER_APT_KEY_FINGERPRINT } from "../cloud-init/docker-apt-key";
import { itWith, REQUIREMENTS } from "./helpers/checkers";

/** gpg's reading of an armored key: its primary fingerprint and user ids, or its complaint. */
function inspect(armored: string): { fingerprint?: string; uids: string[]; status: number | null; stderr: string } {
  const home = mkdtempSync(path.join(tmpdir(), "gnupg-"));
  try {
    const result = spawnSync("gpg", ["--batch", "--show-keys", "--with-colons", "--with-fingerprint"], { input: armored, encoding: "utf8", env: { ...process.env, GNUPGHOME: home } });
    const lines = result.stdout.split("\n");
    const fingerprint = lines.find((line) => line.startsWith("fpr:"))?.split(":")[9];
    const uids = lines.filter((line) => line.startsWith("uid:")).map((line) => line.split(":")[9] ?? "");
    return { ...(fingerprint === undefined ? {} : { fingerprint }), uids, status: result.status, stderr: result.stderr };
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

describe("Docker's apt key embedded in the user data", () => {
  itWith(REQUIREMENTS.gpg)("is Docker's documented release key (gpg checks the armor checksum and the fingerprint)", () => {
    const key = inspect(DOCKER_APT_KEY);
    expect(key.status).toBe(0);
    expect(key.fingerprint).toBe(DOCKER_APT_KEY_FINGERPRINT);
    expect(key.uids).toEqual(["Docker Release (CE deb) <docker@docker.com>"]);
  });

  itWith(REQUIREMENTS.gpg)("a copy with one changed character is refused by gpg", () => {
    const corrupted = inspect(DOCKER_APT_KEY.replace("mQINBFit2ioBEADhWpZ8", "mQINBFit2ioBEADhWpZ9"));
    expect(corrupted.status).not.toBe(0);
    expect(corrupted.fingerprint).not.toBe(DOCKER_APT_KEY_FINGERPRINT);
  });
});
