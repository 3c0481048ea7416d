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
export const PLUGIN_PROTOCOL_VERSION = 6;

const LOADER_OPTIONS: protoLoader.Options = { keepCase: true, longs: Number, enums: String, defaults: true, oneofs: true };

/** The gRPC services every emulated provider serves, loaded once per process. */
export interface PluginServices {
  readonly provider: grpc.ServiceDefinition;
  readonly controller: grpc.ServiceDefinition;
  readonly stdio: grpc.ServiceDefinition;
  readonly health: grpc.ServiceDefinition;
}

export function loadPluginServices(protoDir: string): PluginServices {
  const load = (file: string) => grpc.loadPackageDefinition(protoLoader.loadSync(path.join(protoDir, file), LOADER_OPTIONS));
  const tfplugin6 = load("tfplugin6-subset.proto").tfplugin6 as grpc.GrpcObject;
  const plugin = load("go-plugin-support.proto").plugin as grpc.GrpcObject;
  const health = ((load("health.proto").grpc as grpc.GrpcObject).health as grpc.GrpcObject).v1 as grpc.GrpcObject;
  return { provider: serviceOf(tfplugin6.Provider), controller: serviceOf(plugin.GRPCController), stdio: serviceOf(plugin.GRPCStdio), health: serviceOf(health.Health) };
}

/** A fresh unix socket path for one provider server. */
export function socketPath(): string {
  return path.join(tmpdir(), `offline-tf-${process.pid}-${randomBytes(4).toString("hex")}.sock`);
}

/**
 * One emulated provider as a gRPC server on a unix socket. `onShutdown` runs when Terraform
 * asks the plugin to stop (go-plugin's GRPCController.Shutdown).
 */
export function providerServer(services: PluginServices, schema: ProviderSchema, storeFile: string, onShutdown: () => void): grpc.Server {
  const server = new grpc.Server();
  const handlers = providerHandlers(schema, storeFile);
  server.addService(withSchemaSerializedOnce(services.provider, handlers.GetProviderSchema!({})), unaryHandlers(handlers));
  server.addService(services.controller, {
    Shutdown: (_call: unknown, callback: grpc.sendUnaryData<object>) => {
      callback(null, {});
      setImmediate(onShutdown);
    },
  });
  server.addService(services.stdio, {
    StreamStdio: (call: grpc.ServerWritableStream<object, object>) => call.on("cancelled", () => call.end()),
  });
  server.addService(services.health, {
    Check: (_call: unknown, callback: grpc.sendUnaryData<object>) => callback(null, { status: "SERVING" }),
  });
  return server;
}

/**
 * Serves one emulated provider the way go-plugin expects when Terraform starts it: a gRPC
 * server on a unix socket, announced by one handshake line on stdout. The emulator runs without
 * plugin TLS (Terraform is started with TF_DISABLE_PLUGIN_TLS=1): the socket is local and
 * private to the user.
 */
export function servePlugin(schema: ProviderSchema, protoDir: string, storeFile: string): void {
  if (process.env[MAGIC_COOKIE_KEY] !== MAGIC_COOKIE_VALUE) {
    console.error("This is a Terraform provider emulator: Terraform starts it, it is not run directly.");
    process.exit(1);
  }
  const socket = socketPath();
  const stop = () => {
    server.forceShutdown();
    rmSync(socket, { force: true });
    process.exit(0);
  };
  const server = providerServer(loadPluginServices(protoDir), schema, storeFile, stop);
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

/**
 * The schema response never changes, and Terraform asks for it again in every run (Cloudflare's
 * encodes to about a megabyte): it is encoded once, the first time it is sent.
 */
function withSchemaSerializedOnce(service: grpc.ServiceDefinition, schemaResponse: object): grpc.ServiceDefinition {
  const method = service.GetProviderSchema;
  if (method === undefined) return service;
  let encoded: Buffer | undefined;
  const responseSerialize = (response: object): Buffer => {
    if (response !== schemaResponse) return method.responseSerialize(response);
    encoded ??= method.responseSerialize(response);
    return encoded;
  };
  return { ...service, GetProviderSchema: { ...method, responseSerialize } };
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
