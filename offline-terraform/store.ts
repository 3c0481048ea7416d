import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmdirSync, statSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { newObjectId } from "./provider/object-ids";
import { sleepSync } from "./sleep-sync";

/**
 * The fake cloud: every object the emulated providers created, and every object a test created
 * "in the console", as one JSON file keyed by resource type and id, holding the full attribute
 * object. Several provider processes share it (one per provider per Terraform run, and stacks
 * applied side by side), so every change is a read-modify-write under a lock directory,
 * written to a temporary file and renamed into place: a reader never sees half a file.
 */
export type Attributes = Record<string, unknown>;

export interface FakeCloud {
  readonly version: 1;
  /** resource type -> id -> attributes */
  readonly objects: Record<string, Record<string, Attributes>>;
}

export interface StoredObject {
  readonly type: string;
  readonly id: string;
  readonly attributes: Attributes;
}

/** The store file's name inside the emulator home when none is given. */
export const DEFAULT_STORE_NAME = "fake-cloud.json";

/** A lock older than this is left over from a killed process: taken over. */
const STALE_LOCK_MS = 30_000;
const LOCK_TIMEOUT_MS = 60_000;

/** The whole store; an absent file is an empty cloud. */
export function readStore(file: string): FakeCloud {
  if (!existsSync(file)) return { version: 1, objects: {} };
  const parsed = JSON.parse(readFileSync(file, "utf8")) as Partial<FakeCloud>;
  if (parsed.version !== 1 || parsed.objects === undefined || typeof parsed.objects !== "object") {
    throw new Error(`${file}: not a fake cloud store (expected {"version": 1, "objects": {...}})`);
  }
  return { version: 1, objects: parsed.objects };
}

export function getObject(file: string, type: string, id: string): Attributes | undefined {
  return readStore(file).objects[type]?.[id];
}

/** Every object, or every object of one type, ordered by type then id. */
export function listObjects(file: string, type?: string): StoredObject[] {
  const objects = readStore(file).objects;
  return Object.keys(objects)
    .filter((name) => type === undefined || name === type)
    .sort()
    .flatMap((name) => Object.keys(objects[name] ?? {}).sort().map((id) => ({ type: name, id, attributes: objects[name]![id]! })));
}

/**
 * Creates an object outside Terraform, as the console would, and returns its id: a fresh
 * type-correct id (numeric for droplets, records and SSH keys; the name for domains and
 * buckets; a UUID otherwise) unless `attributes.id` names one. Attributes left out are
 * filled by the emulator when Terraform reads the object (null, or a fake if computed).
 */
export function putObject(file: string, type: string, attributes: Attributes): string {
  return updateStore(file, (cloud) => {
    const existing = cloud.objects[type] ?? {};
    const given = typeof attributes.id === "string" && attributes.id !== "" ? attributes.id : undefined;
    const id = given ?? newObjectId(type, attributes, (candidate) => existing[candidate] !== undefined);
    if (existing[id] !== undefined) throw new Error(`${file}: a ${type} with id "${id}" already exists`);
    cloud.objects[type] = { ...existing, [id]: { ...attributes, id } };
    return id;
  });
}

/** Changes an object behind Terraform's back; `edit` mutates the attributes in place. Returns them. */
export function editObject(file: string, type: string, id: string, edit: (attributes: Attributes) => void): Attributes {
  return updateStore(file, (cloud) => {
    const current = cloud.objects[type]?.[id];
    if (current === undefined) throw new Error(`${file}: no ${type} with id "${id}"`);
    const edited = structuredClone(current);
    edit(edited);
    cloud.objects[type]![id] = { ...edited, id };
    return cloud.objects[type]![id]!;
  });
}

/** Deletes an object behind Terraform's back. Returns whether it existed. */
export function deleteObject(file: string, type: string, id: string): boolean {
  return updateStore(file, (cloud) => {
    const objects = cloud.objects[type];
    if (objects?.[id] === undefined) return false;
    delete objects[id];
    if (Object.keys(objects).length === 0) delete cloud.objects[type];
    return true;
  });
}

/**
 * Read-modify-write of the store under its lock. `change` mutates the cloud it is given; the
 * result is written (sorted, so the file diffs well) to a temporary file renamed over the store.
 */
export function updateStore<T>(file: string, change: (cloud: FakeCloud) => T): T {
  mkdirSync(path.dirname(file), { recursive: true });
  const lock = `${file}.lock`;
  acquire(lock);
  try {
    const cloud = readStore(file);
    const result = change(cloud);
    const temporary = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(sorted(cloud), null, 2)}\n`);
    renameSync(temporary, file);
    return result;
  } finally {
    rmdirSync(lock);
  }
}

/** mkdir is atomic: whoever creates the lock directory holds the lock. */
function acquire(lock: string): void {
  const started = Date.now();
  for (;;) {
    try {
      mkdirSync(lock);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const age = lockAge(lock);
    if (age !== undefined && age > STALE_LOCK_MS) {
      try {
        rmdirSync(lock);
      } catch {
        // Someone else took it over first.
      }
      continue;
    }
    if (Date.now() - started > LOCK_TIMEOUT_MS) throw new Error(`${lock}: still locked after ${LOCK_TIMEOUT_MS / 1000} s (remove it if no Terraform run is active)`);
    sleepSync(5);
  }
}

function lockAge(lock: string): number | undefined {
  try {
    return Date.now() - statSync(lock).mtimeMs;
  } catch {
    return undefined;
  }
}

function sorted(cloud: FakeCloud): FakeCloud {
  const objects: Record<string, Record<string, Attributes>> = {};
  for (const type of Object.keys(cloud.objects).sort()) {
    const byId = cloud.objects[type] ?? {};
    if (Object.keys(byId).length === 0) continue;
    objects[type] = Object.fromEntries(Object.keys(byId).sort().map((id) => [id, byId[id]!]));
  }
  return { version: 1, objects };
}
