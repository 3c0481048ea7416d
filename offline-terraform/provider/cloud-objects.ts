import { getObject, listObjects, updateStore, type Attributes } from "../store";
import type { SchemaBlock } from "../schema/types";
import { FakeValues } from "./fake-values";
import { parseImportId } from "./import-ids";
import { isObject, type Value } from "./msgpack-value";
import { NAME_IDS } from "./object-ids";
import { conformValue, nullValue } from "./resource-values";

/** A provider error as Terraform shows it. */
export class ProviderError extends Error {
  constructor(readonly summary: string, readonly detail: string) {
    super(`${summary}: ${detail}`);
  }
}

/**
 * The emulated providers' side of the fake cloud: what an apply creates, updates or deletes
 * is written to the store; a refresh or an import reads the object back from it.
 */
export class CloudObjects {
  constructor(private readonly storeFile: string) {}

  /** Refresh: the stored object, or null when it is gone (Terraform then plans to create it again). */
  read(type: string, block: SchemaBlock, current: Value): Value {
    const id = idOf(current);
    if (id === undefined) return current;
    const stored = getObject(this.storeFile, type, id);
    return stored === undefined ? null : conformValue(block, stored, new FakeValues(type, id));
  }

  /**
   * Stores a created object. `applied` makes the object from a seed suffix; when its id is
   * taken (the same configuration applied from another state) another suffix gives another id,
   * except for objects named by their name, which the real API refuses twice.
   */
  create(type: string, applied: (seedSuffix: string) => Value): Value {
    return updateStore(this.storeFile, (cloud) => {
      const objects = (cloud.objects[type] ??= {});
      for (let attempt = 0; ; attempt += 1) {
        const object = applied(attempt === 0 ? "" : `#${attempt}`);
        const id = idOf(object);
        if (id === undefined) throw new Error(`a created ${type} has no id`);
        if (objects[id] === undefined) {
          objects[id] = object as Attributes;
          return object;
        }
        if (NAME_IDS.has(type)) {
          throw new ProviderError(`${type} "${id}" already exists`, `The cloud already holds this object (created outside this Terraform state). Import it instead of creating it, or remove it from the fake cloud ${this.storeFile}.`);
        }
      }
    });
  }

  update(type: string, object: Value): Value {
    const id = idOf(object);
    if (id === undefined) throw new Error(`an updated ${type} has no id`);
    updateStore(this.storeFile, (cloud) => {
      (cloud.objects[type] ??= {})[id] = object as Attributes;
    });
    return object;
  }

  delete(type: string, prior: Value): void {
    const id = idOf(prior);
    if (id === undefined) return;
    updateStore(this.storeFile, (cloud) => {
      delete cloud.objects[type]?.[id];
    });
  }

  /**
   * `terraform import`: the import id parsed the provider's way, the object found by the
   * attributes it names. A missing object is returned under the import id itself, which no
   * stored object has: the refresh that follows finds nothing, and Terraform reports
   * "Cannot import non-existent remote object", as it does against the real API.
   */
  import(type: string, block: SchemaBlock, importId: string): Value {
    const parsed = parseImportId(type, importId);
    if (!parsed.ok) throw new ProviderError("Import failed", parsed.error);
    const wanted = Object.entries(parsed.attributes);
    const found = listObjects(this.storeFile, type).find((object) => wanted.every(([name, value]) => (name === "id" ? object.id : String(object.attributes[name] ?? "")) === value));
    if (found === undefined) return nullValue(block, { ...parsed.attributes, id: importId });
    return conformValue(block, found.attributes, new FakeValues(type, found.id));
  }
}

function idOf(object: Value): string | undefined {
  if (!isObject(object)) return undefined;
  const id = object.id;
  return typeof id === "string" && id !== "" ? id : undefined;
}
