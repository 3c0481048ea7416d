import { readFileSync } from "node:fs";

interface JsiiProperty {
  readonly name: string;
  readonly optional?: boolean;
  readonly type?: { readonly fqn?: string; readonly collection?: unknown };
}

/** Per jsii struct (by short name): property name -> how it is declared. */
export type JsiiStructs = ReadonlyMap<string, ReadonlyMap<string, JsiiProperty>>;

/**
 * The `.jsii` assembly of a provider package says which `*Config` / struct properties are
 * optional, and whether a block property is a bare struct (max one item) or a collection.
 */
export function readJsiiStructs(jsiiFile: string): JsiiStructs {
  const assembly = JSON.parse(readFileSync(jsiiFile, "utf8")) as { types: Record<string, { name: string; kind: string; properties?: JsiiProperty[] }> };
  const structs = new Map<string, Map<string, JsiiProperty>>();
  for (const type of Object.values(assembly.types)) {
    if (type.kind !== "interface" || structs.has(type.name)) continue;
    structs.set(type.name, new Map((type.properties ?? []).map((property) => [property.name, property])));
  }
  return structs;
}

export function isOptional(structs: JsiiStructs, struct: string, property: string | undefined): boolean {
  if (property === undefined) return true;
  const declared = structs.get(struct)?.get(property);
  return declared === undefined || declared.optional === true;
}

/** A block declared as a bare struct (not an array) in jsii holds at most one item. */
export function isBareStruct(structs: JsiiStructs, struct: string, property: string | undefined): boolean {
  if (property === undefined) return false;
  const type = structs.get(struct)?.get(property)?.type;
  return type?.fqn !== undefined && type.collection === undefined;
}
