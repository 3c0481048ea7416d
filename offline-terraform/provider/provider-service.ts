import { REQUIRES_REPLACE } from "../schema/overrides";
import type { ProviderSchema, SchemaBlock } from "../schema/types";
import { CloudObjects, ProviderError } from "./cloud-objects";
import { FakeValues } from "./fake-values";
import { decodeValue, encodeValue, UNKNOWN, type Value } from "./msgpack-value";
import { applyValue, planValue, readDataValue } from "./resource-values";
import { schemaMessage } from "./schema-message";

interface DynamicValue {
  readonly msgpack?: Uint8Array;
  readonly json?: Uint8Array;
}
type Request = Record<string, unknown> & { type_name?: string };
type Handler = (request: Request) => object;

/**
 * The tfplugin6 Provider service for one emulated provider. It accepts every configuration
 * Terraform core has already checked against the schema (core does the type, required and
 * unknown-argument checks); plans mark computed values unknown; applies fill them with fakes
 * and keep the result in the fake cloud (`storeFile`), which refresh and import read back.
 */
export function providerHandlers(schema: ProviderSchema, storeFile: string): Record<string, Handler> {
  const cloud = new CloudObjects(storeFile);
  const schemaResponse = {
    provider: schemaMessage(schema.provider),
    resource_schemas: mapValues(schema.resources, schemaMessage),
    data_source_schemas: mapValues(schema.dataSources, schemaMessage),
    diagnostics: [],
    server_capabilities: { plan_destroy: false, get_provider_schema_optional: false },
  };
  const resource = (request: Request): SchemaBlock => lookup(schema.resources, request.type_name, "resource");
  const noDiagnostics = () => ({ diagnostics: [] });
  return {
    GetMetadata: () => ({
      server_capabilities: schemaResponse.server_capabilities,
      diagnostics: [],
      resources: Object.keys(schema.resources).map((type_name) => ({ type_name })),
      data_sources: Object.keys(schema.dataSources).map((type_name) => ({ type_name })),
    }),
    GetProviderSchema: () => schemaResponse,
    ValidateProviderConfig: noDiagnostics,
    ValidateResourceConfig: noDiagnostics,
    ValidateDataResourceConfig: noDiagnostics,
    ConfigureProvider: noDiagnostics,
    StopProvider: () => ({ Error: "" }),
    UpgradeResourceState: (request) => {
      const raw = (request.raw_state as { json?: Uint8Array } | undefined)?.json;
      const state = raw === undefined || raw.length === 0 ? null : (JSON.parse(Buffer.from(raw).toString("utf8")) as Value);
      return { upgraded_state: dynamic(state), diagnostics: [] };
    },
    ReadResource: (request) => ({ new_state: dynamic(cloud.read(request.type_name ?? "", resource(request), value(request.current_state))), diagnostics: [], private: request.private }),
    PlanResourceChange: (request) => {
      const prior = value(request.prior_state);
      const proposed = value(request.proposed_new_state);
      return {
        planned_state: dynamic(planValue(resource(request), proposed, prior === null)),
        requires_replace: replacingChanges(request.type_name, prior, proposed).map((name) => ({ steps: [{ attribute_name: name }] })),
        planned_private: request.prior_private,
        diagnostics: [],
      };
    },
    ApplyResourceChange: (request) => {
      const type = request.type_name ?? "";
      const prior = value(request.prior_state);
      const planned = value(request.planned_state);
      if (planned === null) {
        cloud.delete(type, prior);
        return { new_state: dynamic(null), diagnostics: [] };
      }
      const seed = seedOf(value(request.config));
      const applied = (suffix: string) => applyValue(resource(request), planned, new FakeValues(type, seed + suffix));
      return withDiagnostics(() => ({ new_state: dynamic(prior === null ? cloud.create(type, applied) : cloud.update(type, applied(""))), private: request.planned_private, diagnostics: [] }));
    },
    ImportResourceState: (request) =>
      withDiagnostics(() => ({
        imported_resources: [{ type_name: request.type_name, state: dynamic(cloud.import(request.type_name ?? "", resource(request), String(request.id ?? ""))), private: Buffer.alloc(0) }],
        diagnostics: [],
      })),
    ReadDataSource: (request) => {
      const config = value(request.config);
      const block = lookup(schema.dataSources, request.type_name, "data source");
      return { state: dynamic(readDataValue(block, config, new FakeValues(request.type_name ?? "", seedOf(config)))), diagnostics: [] };
    },
  };
}

/** A provider error becomes an error diagnostic, as the real providers report API refusals. */
function withDiagnostics(respond: () => object): object {
  try {
    return respond();
  } catch (error) {
    if (!(error instanceof ProviderError)) throw error;
    return { diagnostics: [{ severity: "ERROR", summary: error.summary, detail: error.detail }] };
  }
}

/** The replacing arguments that differ between the prior state and the proposed one (an unknown value counts as a change). */
function replacingChanges(typeName: string | undefined, prior: Value, proposed: Value): string[] {
  if (prior === null || proposed === null || typeof prior !== "object" || typeof proposed !== "object") return [];
  const before = prior as Record<string, Value>;
  const after = proposed as Record<string, Value>;
  return (REQUIRES_REPLACE[typeName ?? ""] ?? []).filter((name) => seedOf(before[name] ?? null) !== seedOf(after[name] ?? null));
}

function value(dynamicValue: unknown): Value {
  const { msgpack, json } = (dynamicValue ?? {}) as DynamicValue;
  if (msgpack !== undefined && msgpack.length > 0) return decodeValue(msgpack);
  if (json !== undefined && json.length > 0) return JSON.parse(Buffer.from(json).toString("utf8")) as Value;
  return null;
}

function dynamic(state: Value): DynamicValue {
  return { msgpack: encodeValue(state) };
}

/** A stable seed from a configuration: unknowns and binary values are left out. */
function seedOf(config: Value): string {
  return JSON.stringify(config, (_key, item: unknown) => (item === UNKNOWN ? "(unknown)" : item instanceof Uint8Array ? "(bytes)" : item));
}

function lookup(blocks: Readonly<Record<string, SchemaBlock>>, typeName: string | undefined, kind: string): SchemaBlock {
  const block = typeName === undefined ? undefined : blocks[typeName];
  if (block === undefined) throw new Error(`the offline emulator has no ${kind} type ${String(typeName)}`);
  return block;
}

function mapValues<T, U>(record: Readonly<Record<string, T>>, map: (item: T) => U): Record<string, U> {
  return Object.fromEntries(Object.entries(record).map(([key, item]) => [key, map(item)]));
}
