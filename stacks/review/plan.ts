import { ARGUMENT_CHANGES, COMPUTED_FROM, META_ARGUMENTS } from "../../constructs/force-new-attributes";
import { canonicalJson, resourcesByAddress, type TerraformJson } from "../terraform-json";
import { changedParts, localRead, planLocals, type LocalChange } from "./locals";
import { diffValues, type ValueChange } from "./value-diff";

/** The value of an argument that follows a resource Terraform has yet to update or create. */
export const KNOWN_AFTER_APPLY = "(known after apply)";

/**
 * - "replaces": the change destroys the object and creates a new one.
 * - "in place": the provider updates the object.
 * - "ignored": listed in `lifecycle.ignore_changes`; Terraform never applies it.
 * - "setting": a Terraform meta-argument (lifecycle, provisioner...), no change to the object.
 */
export type ChangeEffect = "replaces" | "in place" | "ignored" | "setting";

export interface ClassifiedChange extends ValueChange {
  readonly effect: ChangeEffect;
  /** The argument is not in the force-new table: assumed to replace, the safe guess. */
  readonly unclassified?: boolean;
  /** The address of the changing resource or local this argument refers to, when the text itself did not change. */
  readonly through?: string;
}

export type ResourceAction = "create" | "delete" | "update" | "replace" | "no-op";

export interface ResourcePlan {
  readonly address: string;
  readonly type: string;
  readonly action: ResourceAction;
  readonly changes: readonly ClassifiedChange[];
  /** Arguments whose change forces the replacement, in order. */
  readonly forcedBy: readonly string[];
  readonly preventDestroy: boolean;
  /** The address it had in the previous synthesis, when a `moved` block renamed it. */
  readonly movedFrom?: string;
}

export interface StackPlan {
  readonly name: string;
  /** No earlier synthesis of this stack to compare with. */
  readonly first: boolean;
  /** Every resource that changes in any way, by address. */
  readonly resources: readonly ResourcePlan[];
  /** Every local value that changes, by address. */
  readonly locals: readonly LocalChange[];
}

/**
 * What Terraform will do to one stack, from the configuration alone: the previous synthesized
 * JSON against the new one, each argument classified with the force-new table and
 * `lifecycle.ignore_changes`, and arguments that refer to a replaced or updated resource or to a
 * changed part of a local value marked as changing too (a new SSH key's fingerprint changes the
 * droplet's `ssh_keys`; a new mesh peer in `local.mesh_peers` changes the others' wg0.conf).
 */
export function planStack(name: string, previous: TerraformJson | undefined, next: TerraformJson): StackPlan {
  const before = previous === undefined ? new Map<string, Record<string, unknown>>() : resourcesByAddress(previous);
  const after = resourcesByAddress(next);
  const movedFrom = applyMoves(before, next);
  const changes = new Map<string, ClassifiedChange[]>();
  for (const [address, body] of after) {
    const old = before.get(address);
    if (old !== undefined) changes.set(address, diffValues(old, body).map((change) => classify(typeOf(address), body, change)));
  }
  const locals = planLocals(previous, next);
  followLocals(after, changes, changedParts(locals));
  propagateReferences(after, changes);
  const resources: ResourcePlan[] = [];
  for (const [address, body] of after) {
    const type = typeOf(address);
    if (!before.has(address)) {
      resources.push({ address, type, action: "create", changes: [], forcedBy: [], preventDestroy: preventsDestroy(body) });
      continue;
    }
    const classified = changes.get(address) ?? [];
    const moved = movedFrom.get(address);
    if (classified.length === 0 && moved === undefined) continue;
    const forcedBy = [...new Set(classified.filter((change) => change.effect === "replaces").map((change) => change.argument))];
    const action: ResourceAction = forcedBy.length > 0 ? "replace" : classified.some((change) => change.effect === "in place") ? "update" : "no-op";
    const preventDestroy = preventsDestroy(body) || preventsDestroy(before.get(address) ?? {});
    resources.push({ address, type, action, changes: classified, forcedBy, preventDestroy, ...(moved === undefined ? {} : { movedFrom: moved }) });
  }
  for (const [address, body] of before) {
    if (!after.has(address)) resources.push({ address, type: typeOf(address), action: "delete", changes: [], forcedBy: [], preventDestroy: preventsDestroy(body) });
  }
  return { name, first: previous === undefined, resources: resources.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0)), locals };
}

/** How a change of `argument` of a resource of `type` is applied, given the new body's lifecycle. */
export function effectOf(type: string, body: Record<string, unknown>, argument: string, before: unknown, after: unknown): { effect: ChangeEffect; unclassified?: true } {
  if (META_ARGUMENTS.includes(argument)) return { effect: "setting" };
  const ignored = ignoredArguments(body);
  if (ignored === "all" || ignored.includes(argument)) return { effect: "ignored" };
  const change = ARGUMENT_CHANGES[type]?.[argument];
  if (change === undefined) return { effect: "replaces", unclassified: true };
  if (change === "replaces when turned off") return { effect: before === true && after !== true ? "replaces" : "in place" };
  return { effect: change };
}

function classify(type: string, body: Record<string, unknown>, change: ValueChange): ClassifiedChange {
  // An argument's first and last values decide a conditional replacement, not one element's.
  return { ...change, ...effectOf(type, body, change.argument, change.before, change.after) };
}

/**
 * Attributes a changing resource exposes to references: all of them when it is replaced (new
 * id, new addresses), its changed arguments and what is computed from them when updated.
 */
export function changingAttributes(type: string, changes: readonly ClassifiedChange[]): "all" | Set<string> {
  if (changes.some((change) => change.effect === "replaces")) return "all";
  const applied = changes.filter((change) => change.effect === "in place").map((change) => change.argument);
  const computed = Object.entries(COMPUTED_FROM[type] ?? {})
    .filter(([, sources]) => sources.some((source) => applied.includes(source)))
    .map(([attribute]) => attribute);
  return new Set([...applied, ...computed]);
}

/** `type.name.attribute` references inside `${...}` interpolations of a value. */
export function referencesIn(value: unknown): { address: string; attribute: string }[] {
  const text = canonicalJson(value);
  const found: { address: string; attribute: string }[] = [];
  for (const interpolation of text.match(/\$\{[^}]*\}/g) ?? []) {
    for (const match of interpolation.matchAll(/(?<![.\w])([a-z][a-z0-9]*_[a-z0-9_]+)\.([A-Za-z0-9_-]+)\.([a-z0-9_]+)/g)) {
      found.push({ address: `${match[1]}.${match[2]}`, attribute: match[3] ?? "" });
    }
  }
  return found;
}

function followLocals(after: ReadonlyMap<string, Record<string, unknown>>, changes: Map<string, ClassifiedChange[]>, changing: ReturnType<typeof changedParts>): void {
  if (changing.size === 0) return;
  for (const [address, classified] of changes) {
    const body = after.get(address) ?? {};
    for (const [argument, value] of Object.entries(body)) {
      if (classified.some((change) => change.argument === argument)) continue;
      const through = localRead(value, changing);
      if (through === undefined) continue;
      classified.push({ argument, path: argument, before: value, after: KNOWN_AFTER_APPLY, through, ...effectOf(typeOf(address), body, argument, value, KNOWN_AFTER_APPLY) });
    }
  }
}

function propagateReferences(after: ReadonlyMap<string, Record<string, unknown>>, changes: Map<string, ClassifiedChange[]>): void {
  let grew = true;
  while (grew) {
    grew = false;
    for (const [address, classified] of changes) {
      const body = after.get(address) ?? {};
      for (const [argument, value] of Object.entries(body)) {
        if (classified.some((change) => change.argument === argument)) continue;
        const through = referencesIn(value).find((reference) => {
          const upstream = changes.get(reference.address);
          if (upstream === undefined || upstream.length === 0) return false;
          const attributes = changingAttributes(typeOf(reference.address), upstream);
          return attributes === "all" || attributes.has(reference.attribute);
        });
        if (through === undefined) continue;
        classified.push({ argument, path: argument, before: value, after: KNOWN_AFTER_APPLY, through: through.address, ...effectOf(typeOf(address), body, argument, value, KNOWN_AFTER_APPLY) });
        grew = true;
      }
    }
  }
}

/**
 * Follows the new configuration's `moved` blocks: a resource renamed from `from` to `to` is the
 * same object, compared with its old body, not a removal and an addition. Returns to -> from.
 */
function applyMoves(before: Map<string, Record<string, unknown>>, next: TerraformJson): Map<string, string> {
  const moves = (next as { moved?: readonly { from?: unknown; to?: unknown }[] }).moved ?? [];
  const movedFrom = new Map<string, string>();
  for (const { from, to } of moves) {
    if (typeof from !== "string" || typeof to !== "string") continue;
    const body = before.get(from);
    if (body === undefined || before.has(to)) continue;
    before.delete(from);
    before.set(to, body);
    movedFrom.set(to, from);
  }
  return movedFrom;
}

function ignoredArguments(body: Record<string, unknown>): "all" | readonly string[] {
  const ignore = (body.lifecycle as { ignore_changes?: unknown } | undefined)?.ignore_changes;
  if (ignore === "all") return "all";
  return Array.isArray(ignore) ? ignore.filter((item): item is string => typeof item === "string") : [];
}

function preventsDestroy(body: Record<string, unknown>): boolean {
  return (body.lifecycle as { prevent_destroy?: unknown } | undefined)?.prevent_destroy === true;
}

export function typeOf(address: string): string {
  return address.slice(0, address.indexOf("."));
}
