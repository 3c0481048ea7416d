import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import type { ProviderSchema } from "../schema/types";
import { providerHandlers } from "./provider-service";

/** go-plugin's handshake cookie for Terraform providers: refuse to run outside Terraform. */
const MAGIC_COOKIE_KEY = "TF_PLUGIN_MAGIC_COOKIE";
const MAGIC_COOKIE_VALUE = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";
const CORE_PROTOCOL_VERSION = 1;
const PLUGIN_PROTOCOL_VERSION = 6;

const LOADER_OPTIONS: protoLoader.Options = { keepCase: true, longs: Number, enums: String, defaults: true, oneofs: true };

/**
 * Serves one emulated provider the way go-plugin expects: a gRPC server on a unix socket,
 * announced by one handshake line on stdout. The emulator runs without plugin TLS (Terraform
 * is started with TF_DISABLE_PLUGIN_TLS=1): the socket is local and private to the user.
 */
export function servePlugin(schema: ProviderSchema, protoDir: string, storeFile: string): void {
  if (process.env[MAGIC_COOKIE_KEY] !== MAGIC_COOKIE_VALUE) {
    console.error("This is a Terraform provider emulator: Terraform starts it, it is not run directly.");
    process.exit(1);
  }
  const load = (file: string) => grpc.loadPackageDefinition(protoLoader.loadSync(path.join(protoDir, file), LOADER_OPTIONS));
  const tfplugin6 = load("tfplugin6-subset.proto").tfplugin6 as grpc.GrpcObject;
  const plugin = load("go-plugin-support.proto").plugin as grpc.GrpcObject;
  const health = ((load("health.proto").grpc as grpc.GrpcObject).health as grpc.GrpcObject).v1 as grpc.GrpcObject;

  const server = new grpc.Server();
  const socket = path.join(tmpdir(), `offline-tf-${process.pid}-${randomBytes(4).toString("hex")}.sock`);
  const stop = () => {
    server.forceShutdown();
    rmSync(socket, { force: true });
    process.exit(0);
  };
  server.addService(serviceOf(tfplugin6.Provider), unaryHandlers(providerHandlers(schema, storeFile)));
  server.addService(serviceOf(plugin.GRPCController), {
    Shutdown: (_call: unknown, callback: grpc.sendUnaryData<object>) => {
      callback(null, {});
      setImmediate(stop);
    },
  });
  server.addService(serviceOf(plugin.GRPCStdio), {
    StreamStdio: (call: grpc.ServerWritableStream<object, object>) => call.on("cancelled", () => call.end()),
  });
  server.addService(serviceOf(health.Health), {
    Check: (_call: unknown, callback: grpc.sendUnaryData<object>) => callback(null, { status: "SERVING" }),
  });
  process.on("SIGTERM", stop);
  process.on("SIGINT", () => undefined); // Terraform forwards ^C; it ends us with Shutdown.
  server.bindAsync(`unix://${socket}`, grpc.ServerCredentials.createInsecure(), (error) => {
    if (error !== null) {
      console.error(`offline provider: cannot listen on ${socket}: ${error.message}`);
      process.exit(1);
    }
    process.stdout.write(`${CORE_PROTOCOL_VERSION}|${PLUGIN_PROTOCOL_VERSION}|unix|${socket}|grpc\n`);
  });
}

function serviceOf(constructor: unknown): grpc.ServiceDefinition {
  return (constructor as { service: grpc.ServiceDefinition }).service;
}

/** Wraps plain request -> response functions as gRPC unary handlers, errors as INTERNAL. */
function unaryHandlers(handlers: Record<string, (request: Record<string, unknown>) => object>): grpc.UntypedServiceImplementation {
  return Object.fromEntries(
    Object.entries(handlers).map(([name, handle]) => [
      name,
      (call: grpc.ServerUnaryCall<Record<string, unknown>, object>, callback: grpc.sendUnaryData<object>) => {
        try {
          callback(null, handle(call.request));
        } catch (error) {
          callback({ code: grpc.status.INTERNAL, details: error instanceof Error ? error.message : String(error) });
        }
      },
    ]),
  );
}
