import type { BlockNesting, CtyType, SchemaBlock } from "../schema/types";
import { FakeValues } from "./fake-values";
import { isObject, UNKNOWN, type Value } from "./msgpack-value";

/**
 * Planning: what a well-behaved provider answers. On create, every computed attribute the
 * configuration leaves null becomes unknown ("known after apply"); on update, Terraform's
 * proposed state already carries the prior computed values, so nothing changes by itself and
 * a second plan after apply shows no changes.
 */
export function planValue(block: SchemaBlock, proposed: Value, creating: boolean): Value {
  if (!isObject(proposed)) return proposed;
  const planned: Record<string, Value> = { ...proposed };
  for (const attribute of block.attributes) {
    if (attribute.computed === true && creating && (planned[attribute.name] ?? null) === null) planned[attribute.name] = UNKNOWN;
  }
  for (const nested of block.blockTypes) planned[nested.typeName] = mapBlocks(planned[nested.typeName] ?? null, nested.nesting, (item) => planValue(nested.block, item, creating));
  return planned;
}

/** Applying: every unknown left in the plan becomes a type-correct fake. */
export function applyValue(block: SchemaBlock, planned: Value, fakes: FakeValues): Value {
  if (!isObject(planned)) return planned;
  const applied: Record<string, Value> = { ...planned };
  const byName = new Map(block.attributes.map((attribute) => [attribute.name, attribute.type]));
  // ids first: URNs and other derived fakes refer to them.
  const names = Object.keys(applied).sort((a, b) => (a === "id" ? -1 : b === "id" ? 1 : 0));
  for (const name of names) {
    const type = byName.get(name);
    if (type !== undefined) applied[name] = fillUnknown(applied[name] ?? null, name, type, fakes, applied);
  }
  for (const nested of block.blockTypes) applied[nested.typeName] = mapBlocks(applied[nested.typeName] ?? null, nested.nesting, (item) => applyValue(nested.block, item, fakes));
  return applied;
}

/** Reading a data source: computed attributes the configuration left null get fakes. */
export function readDataValue(block: SchemaBlock, config: Value, fakes: FakeValues): Value {
  return applyValue(block, planValue(block, config, true), fakes);
}

function fillUnknown(value: Value, name: string, type: CtyType, fakes: FakeValues, known: Record<string, Value>): Value {
  if (value === UNKNOWN) return fakes.value(name, type, known);
  if (!Array.isArray(type)) return value;
  const [kind, inner] = type as [string, unknown];
  if ((kind === "list" || kind === "set") && Array.isArray(value)) return value.map((item) => fillUnknown(item, name, inner as CtyType, fakes, known));
  if (kind === "map" && isObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, fillUnknown(item, name, inner as CtyType, fakes, known)]));
  }
  if (kind === "object" && isObject(value)) {
    const fields = inner as Record<string, CtyType>;
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, fields[key] === undefined ? item : fillUnknown(item, key, fields[key], fakes, value)]));
  }
  return value;
}

/** Applies `update` to every nested block instance, whatever the nesting mode. */
function mapBlocks(value: Value, nesting: BlockNesting, update: (item: Value) => Value): Value {
  if (value === null || value === UNKNOWN) return value;
  if (nesting === "single") return update(value);
  if (Array.isArray(value)) return value.map(update);
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, update(item)]));
  return value;
}

/**
 * An object read from the fake cloud, shaped to the schema: attributes the store lacks (an
 * object created "in the console" names only some) become null, or a fake when computed;
 * nested blocks it lacks become empty; keys the schema does not know are dropped.
 */
export function conformValue(block: SchemaBlock, stored: Readonly<Record<string, unknown>>, fakes: FakeValues): Value {
  const conformed: Record<string, Value> = {};
  const names = block.attributes.map((attribute) => attribute.name).sort((a, b) => (a === "id" ? -1 : b === "id" ? 1 : 0));
  for (const name of names) {
    const attribute = block.attributes.find((candidate) => candidate.name === name)!;
    if (name in stored) conformed[name] = (stored[name] ?? null) as Value;
    else conformed[name] = attribute.computed === true ? fakes.value(name, attribute.type, conformed) : null;
  }
  for (const nested of block.blockTypes) {
    const value = (stored[nested.typeName] ?? null) as Value;
    const empty: Value = nested.nesting === "single" ? null : nested.nesting === "map" ? {} : [];
    conformed[nested.typeName] = value === null ? empty : mapBlocks(value, nested.nesting, (item) => (isObject(item) ? conformValue(nested.block, item, fakes) : item));
  }
  return conformed;
}

/** An object with every attribute null and every nested block empty: an import's starting point. */
export function nullValue(block: SchemaBlock, known: Readonly<Record<string, string>>): Value {
  const value: Record<string, Value> = Object.fromEntries(block.attributes.map((attribute) => [attribute.name, known[attribute.name] ?? null]));
  for (const nested of block.blockTypes) value[nested.typeName] = nested.nesting === "single" ? null : nested.nesting === "map" ? {} : [];
  return value;
}
