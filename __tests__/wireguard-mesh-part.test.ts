import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import { buildHostCloudConfig } from "../cloud-init/host-cloud-config";
import { WIREGUARD_CONFIG, WIREGUARD_KEY_SCRIPT } from "../cloud-init/wireguard";
import { MESH_SYNC_SCRIPT, meshInterfaceSection, meshMemberPart, meshSyncScript } from "../cloud-init/wireguard-mesh";
import { itWith, REQUIREMENTS, ufwDryRunProblems } from "./helpers/checkers";
import { coreProdOptions } from "./helpers/user-data-samples";

const IFACE = { address: "10.8.0.1/24", listenPort: 51820, mtu: 1420 };

describe("mesh member cloud-init part", () => {
  it("writes wg0.conf with the interface only (0600), the key script and the sync script", () => {
    const part = meshMemberPart(IFACE);
    expect(part.packages).toEqual(["wireguard-tools"]);
    expect(part.write_files?.map((file) => [file.path, file.permissions])).toEqual([
      [WIREGUARD_CONFIG, "0600"],
      [WIREGUARD_KEY_SCRIPT, "0755"],
      [MESH_SYNC_SCRIPT, "0755"],
    ]);
    expect(part.write_files?.[0]?.content).toBe(meshInterfaceSection(IFACE));
    expect(part.write_files?.[0]?.content).not.toMatch(/\[Peer\]|PrivateKey/);
  });

  it("generates the key before bringing wg0 up, and both before UFW is enabled", () => {
    const userData = parse(buildHostCloudConfig({ ...coreProdOptions(), wireguard: undefined, mesh: IFACE })) as { runcmd: string[] };
    const at = (command: string) => userData.runcmd.indexOf(command);
    expect(at(WIREGUARD_KEY_SCRIPT)).toBeGreaterThanOrEqual(0);
    expect(at(WIREGUARD_KEY_SCRIPT)).toBeLessThan(at(MESH_SYNC_SCRIPT));
    expect(at(MESH_SYNC_SCRIPT)).toBeLessThan(at("ufw --force enable"));
    expect(userData.runcmd[userData.runcmd.length - 1]).toBe("ufw --force enable");
  });

  it("opens the WireGuard port only from the peers' endpoints: no rule in the user data itself", () => {
    const userData = parse(buildHostCloudConfig({ ...coreProdOptions(), wireguard: undefined, mesh: IFACE })) as { runcmd: string[] };
    expect(userData.runcmd.filter((command) => command.includes("51820"))).toEqual([]);
  });

  it("refuses fixed peers and a mesh on the same host (both would own wg0)", () => {
    expect(() => buildHostCloudConfig({ ...coreProdOptions(), mesh: IFACE })).toThrow(/mesh = .*: expected either wireguard \(fixed peers\) or mesh \(pushed peers\)/);
  });
});

describe("wireguard-mesh-sync", () => {
  it("refuses a pushed wg0.conf for another port before changing anything", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "mesh-sync-"));
    try {
      const script = path.join(dir, "wireguard-mesh-sync");
      writeFileSync(script, meshSyncScript(51820), { mode: 0o755 });
      const pushed = path.join(dir, "wg0.conf.mesh");
      writeFileSync(pushed, meshInterfaceSection({ ...IFACE, listenPort: 51821 }));
      const result = spawnSync("sh", [script, pushed], { encoding: "utf8" });
      expect(result.status).toBe(1);
      expect(result.stderr).toBe(`wireguard-mesh-sync: ${pushed} listens on 51821; this host was built for port 51820 (rebuild it to change the mesh port)\n`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  itWith(REQUIREMENTS.ufw)("runs UFW commands that `ufw --dry-run` accepts, for an IPv4 and an IPv6 peer", () => {
    const ufwLines = meshSyncScript(51820)
      .split("\n")
      .map((line) => line.trim())
      .filter((line) => line.startsWith("ufw "))
      .map((line) => line.replace(/ >\/dev\/null( \|\| true)?$/, ""));
    const commands = ["198.51.100.30", "2001:db8::30"].flatMap((source) => ufwLines.map((line) => `source=${source}; ${line}`));
    expect(commands).toHaveLength(4);
    expect(ufwDryRunProblems(commands)).toEqual([]);
    expect(ufwDryRunProblems(["source=198.51.100.300; " + (ufwLines[1] ?? "")])).not.toEqual([]);
  });

  it("builds the WireGuard port into every UFW command it can run", () => {
    const ufwLines = meshSyncScript(51999).split("\n").filter((line) => /^\s*ufw /.test(line));
    expect(ufwLines).toHaveLength(2);
    for (const line of ufwLines) expect(line).toMatch(/ proto udp from "\$source" to any port 51999( |$)/);
  });
});
