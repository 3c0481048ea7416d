import {
  argumentEntries,
  computedEntries,
  constructedClass,
  getterEntries,
  type ArgumentEntry,
  type BindingSource,
} from "./binding-source";
import { isBareStruct, isOptional, type JsiiStructs } from "./jsii-optionality";
import type { BlockNesting, CtyType, SchemaAttribute, SchemaBlock, SchemaNestedBlock } from "./types";

export interface DeriveContext {
  readonly source: BindingSource;
  readonly jsii: JsiiStructs;
  /** Arguments the real provider computes when unset (see overrides.ts). */
  readonly optionalComputed: ReadonlySet<string>;
  /** Attributes the real provider marks sensitive (see overrides.ts). */
  readonly sensitive?: ReadonlySet<string>;
  /** Argument names to leave out (provider meta-arguments). */
  readonly exclude?: ReadonlySet<string>;
}

/**
 * A block's schema from one binding: configurable arguments from the HCL attribute listing
 * (`body`), optionality from the jsii struct, read-only attributes from the class's
 * `computed: true, optional: false` getters.
 */
export function deriveBlock(context: DeriveContext, listingBody: string, jsiiStruct: string, classBody: string | undefined): SchemaBlock {
  const attributes: SchemaAttribute[] = [];
  const blockTypes: SchemaNestedBlock[] = [];
  for (const entry of argumentEntries(listingBody)) {
    if (context.exclude?.has(entry.name)) continue;
    const optional = isOptional(context.jsii, jsiiStruct, entry.property);
    if (entry.struct !== undefined) {
      blockTypes.push(nestedBlock(context, entry, entry.struct, jsiiStruct, optional));
      continue;
    }
    const computed = optional && (entry.name === "id" || context.optionalComputed.has(entry.name));
    attributes.push({
      name: entry.name,
      type: argumentType(entry),
      ...(optional ? { optional: true } : { required: true }),
      ...(computed ? { computed: true } : {}),
    });
  }
  const configurable = new Set([...attributes.map((a) => a.name), ...blockTypes.map((b) => b.typeName)]);
  for (const entry of classBody === undefined ? [] : computedEntries(classBody)) {
    if (configurable.has(entry.name)) continue;
    configurable.add(entry.name);
    attributes.push({ name: entry.name, type: computedType(context, classBody ?? "", entry.name, entry.expression, 0), computed: true });
  }
  const marked = attributes.map((attribute) => (context.sensitive?.has(attribute.name) ? { ...attribute, sensitive: true } : attribute));
  return { attributes: sortByName(marked, (a) => a.name), blockTypes: sortByName(blockTypes, (b) => b.typeName) };
}

function nestedBlock(context: DeriveContext, entry: ArgumentEntry, struct: string, parentStruct: string, optional: boolean): SchemaNestedBlock {
  const structName = capitalize(struct);
  const listing = context.source.structFunctions.get(struct) ?? "";
  const block = deriveBlock(context, listing, structName, context.source.classes.get(`${structName}OutputReference`)?.body);
  const nesting: BlockNesting = entry.kind === "set" ? "set" : entry.kind === "map" ? "map" : entry.kind === "list" ? "list" : "single";
  const collection = nesting === "list" || nesting === "set";
  const single = collection && isBareStruct(context.jsii, parentStruct, entry.property);
  return {
    typeName: entry.name,
    nesting,
    block,
    ...(collection && !optional ? { minItems: 1 } : {}),
    ...(single ? { maxItems: 1 } : {}),
  };
}

function argumentType(entry: ArgumentEntry): CtyType {
  if (entry.kind === "simple") return primitive(entry.storageClassType);
  const element = entry.storageClassType.replace(/(List|Map)$/, "");
  const collection = entry.kind === "set" ? "set" : entry.kind === "map" ? "map" : "list";
  const elementType = storageType(element);
  return elementType === "dynamic" ? "dynamic" : [collection, elementType];
}

/** `stringList` -> list(string), `numberMap` -> map(number), ... */
function storageType(storage: string): CtyType {
  if (storage.endsWith("List")) return wrap("list", storageType(storage.slice(0, -4)));
  if (storage.endsWith("Map")) return wrap("map", storageType(storage.slice(0, -3)));
  return primitive(storage);
}

function wrap(collection: string, element: CtyType): CtyType {
  return element === "dynamic" ? "dynamic" : [collection, element];
}

function primitive(storage: string): CtyType {
  if (storage === "string") return "string";
  if (storage === "number") return "number";
  if (storage === "boolean") return "bool";
  return "dynamic";
}

const GETTER_TYPES: Readonly<Record<string, CtyType>> = {
  getStringAttribute: "string",
  getNumberAttribute: "number",
  getBooleanAttribute: "bool",
  getListAttribute: ["list", "string"],
  getNumberListAttribute: ["list", "number"],
  getBooleanListAttribute: ["list", "bool"],
  getStringMapAttribute: ["map", "string"],
  getNumberMapAttribute: ["map", "number"],
  getBooleanMapAttribute: ["map", "bool"],
};

const CDKTF_COLLECTIONS: Readonly<Record<string, CtyType>> = {
  "cdktf.StringMap": ["map", "string"],
  "cdktf.NumberMap": ["map", "number"],
  "cdktf.BooleanMap": ["map", "bool"],
  "cdktf.AnyMap": "dynamic",
  "cdktf.StringListMap": ["map", ["list", "string"]],
  "cdktf.NumberListMap": ["map", ["list", "number"]],
  "cdktf.BooleanListMap": ["map", ["list", "bool"]],
  "cdktf.AnyListMap": "dynamic",
  "cdktf.StringMapList": ["list", ["map", "string"]],
  "cdktf.NumberMapList": ["list", ["map", "number"]],
  "cdktf.BooleanMapList": ["list", ["map", "bool"]],
  "cdktf.AnyMapList": "dynamic",
};

const MAX_DEPTH = 10;

/** The type of a read-only attribute, from its getter or the object class backing it. */
function computedType(context: DeriveContext, classBody: string, name: string, expression: string, depth: number): CtyType {
  const getter = /this\.(get\w+Attribute)\(/.exec(expression)?.[1];
  if (getter !== undefined) {
    const type = GETTER_TYPES[getter] ?? "dynamic";
    return expression.includes("Fn.tolist(") && Array.isArray(type) && type[0] === "list" ? ["set", type[1]] : type;
  }
  const constructed = constructedClass(classBody, name);
  if (constructed === undefined || depth > MAX_DEPTH) return "dynamic";
  const builtin = CDKTF_COLLECTIONS[constructed.className];
  if (builtin !== undefined) return builtin;
  const { className } = constructed;
  if (className.endsWith("List")) {
    const element = objectType(context, `${className.slice(0, -4)}OutputReference`, depth + 1);
    return [constructed.wrapsSet ? "set" : "list", element];
  }
  if (className.endsWith("Map")) return ["map", objectType(context, `${className.slice(0, -3)}OutputReference`, depth + 1)];
  return objectType(context, className, depth + 1);
}

function objectType(context: DeriveContext, className: string, depth: number): CtyType {
  const body = context.source.classes.get(className)?.body;
  if (body === undefined) return "dynamic";
  const fields: Record<string, CtyType> = {};
  for (const getter of getterEntries(body)) fields[getter.name] = computedType(context, body, getter.name, getter.expression, depth);
  const sorted = Object.fromEntries(Object.entries(fields).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return ["object", sorted];
}

function capitalize(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

function sortByName<T>(items: T[], key: (item: T) => string): T[] {
  return items.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}
