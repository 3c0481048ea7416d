import { renameSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import type { ProviderSchema } from "../schema/types";
import { loadPluginServices, PLUGIN_PROTOCOL_VERSION, providerServer, socketPath } from "./plugin-server";

/** One provider's entry in Terraform's TF_REATTACH_PROVIDERS, keyed by its source address. */
export interface ReattachEntry {
  readonly Protocol: "grpc";
  readonly ProtocolVersion: number;
  readonly Pid: number;
  /** Terraform neither stops nor kills a "test" provider: the host outlives each command. */
  readonly Test: true;
  readonly Addr: { readonly Network: "unix"; readonly String: string };
}

/**
 * Every emulated provider in one long-lived process, which Terraform reattaches to
 * (TF_REATTACH_PROVIDERS) instead of starting one provider process per provider per command.
 * The same handlers serve the same fake cloud (`storeFile`, read and written on every call), so
 * Terraform sees exactly what the processes it starts would answer.
 *
 * When every socket listens, the reattach map is written to `<runDir>/reattach.json` (renamed
 * into place). The host ends when its standard input closes, which happens when the process that
 * started it ends, however it ends; or on SIGTERM. It then removes its sockets and `runDir`
 * (which also holds its log: when it fails to start, the starting process reads and removes it).
 * Like a provider Terraform starts, it ignores ^C: Terraform forwards the interrupt and stops
 * gracefully, which needs the provider to keep answering.
 */
export function serveProviderHost(schemas: readonly ProviderSchema[], protoDir: string, storeFile: string, runDir: string): void {
  const services = loadPluginServices(protoDir);
  const readyFile = path.join(runDir, "reattach.json");
  const sockets: string[] = [];
  const servers: grpc.Server[] = [];
  let ready = false;
  process.on("exit", () => {
    for (const socket of sockets) rmSync(socket, { force: true });
    // Before it was ready, the process that started it reads the log there, then removes it.
    if (ready) rmSync(runDir, { recursive: true, force: true });
  });
  const stop = () => {
    for (const server of servers) server.forceShutdown();
    process.exit(0);
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", () => undefined);
  process.stdin.on("end", stop).on("error", stop).resume();

  const entries: Record<string, ReattachEntry> = {};
  let pending = schemas.length;
  for (const schema of schemas) {
    const socket = socketPath();
    sockets.push(socket);
    // Terraform never asks a "test" provider to shut down; a Shutdown from elsewhere is ignored.
    const server = providerServer(services, schema, storeFile, () => undefined);
    servers.push(server);
    server.bindAsync(`unix://${socket}`, grpc.ServerCredentials.createInsecure(), (error) => {
      if (error !== null) {
        console.error(`offline provider host: cannot listen on ${socket}: ${error.message}`);
        stop();
        return;
      }
      entries[schema.source] = { Protocol: "grpc", ProtocolVersion: PLUGIN_PROTOCOL_VERSION, Pid: process.pid, Test: true, Addr: { Network: "unix", String: socket } };
      pending -= 1;
      if (pending === 0) {
        writeFileSync(`${readyFile}.partial`, JSON.stringify(entries));
        renameSync(`${readyFile}.partial`, readyFile);
        ready = true;
      }
    });
  }
}
