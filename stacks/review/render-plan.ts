import { secretKindIn } from "../../config/secret-patterns";
import { canonicalJson } from "../terraform-json";
import type { CrossStackEffect } from "./cross-stack";
import type { LocalChange } from "./locals";
import { KNOWN_AFTER_APPLY, type ClassifiedChange, type ResourcePlan, type StackPlan } from "./plan";
import { unifiedDiff } from "./text-diff";

const LONGEST_SHOWN = 60;
const SENSITIVE_NAME = /secret|token|password|private_key|sensitive_content/i;
/** Types whose every argument is secret (the provider never shows them in a plan). */
const SENSITIVE_TYPES = ["local_sensitive_file"];

const ACTION_LABEL: Record<ResourcePlan["action"], string> = {
  create: "+   {address}  added",
  delete: "-   {address}  REMOVED",
  update: "~   {address}  updated in place",
  replace: "-/+ {address}  REPLACED",
  "no-op": "=   {address}  no change to the object",
};

/** The plan of one stack as review lines, indented under the stack's summary. */
/**
 * `publicValues`: public key material the config declares (SSH and WireGuard public keys), which
 * must not make a value look like a credential and hide it (user data carries the SSH key).
 */
export function renderPlan(plan: StackPlan, effects: readonly CrossStackEffect[], publicValues: readonly string[] = []): string[] {
  if (plan.first) {
    return [
      `  changes:   first synthesis of this stack (${plan.resources.length} to add)`,
      "             nothing earlier to compare with here, so the guard could not check what this replaces: before applying to what already runs, read terraform plan",
    ];
  }
  const count = (action: ResourcePlan["action"]) => plan.resources.filter((resource) => resource.action === action).length;
  if (plan.resources.length === 0 && plan.locals.length === 0) return ["  changes:   none since the last synthesis"];
  const lines = [
    `  changes:   ${count("create")} to add, ${count("update")} to update in place, ${count("replace")} to REPLACE, ${count("delete")} to remove` +
      (count("no-op") > 0 ? `, ${count("no-op")} with no change to the object` : "") +
      (plan.locals.length > 0 ? `; ${plan.locals.length} local value${plan.locals.length === 1 ? "" : "s"} changed` : ""),
  ];
  for (const local of plan.locals) lines.push(...renderLocal(local, publicValues));
  for (const resource of plan.resources) {
    const forced = resource.action === "replace" ? `, forced by ${resource.forcedBy.join(", ")}` : "";
    const moved = resource.movedFrom === undefined ? "" : ` (moved from ${resource.movedFrom})`;
    lines.push(`    ${ACTION_LABEL[resource.action].replace("{address}", `${resource.address}${moved}`)}${forced}`);
    const settings = [...new Set(resource.changes.filter((change) => change.effect === "setting").map((change) => change.argument))];
    for (const change of resource.changes.filter((candidate) => candidate.effect !== "setting")) lines.push(...renderChange(resource.type, change, publicValues));
    if (settings.length > 0) lines.push(`        ${settings.join(", ")}: changed   (Terraform settings, no change to the object)`);
  }
  const byStack = new Map<string, string[]>();
  for (const effect of effects.filter((candidate) => candidate.effect !== "setting")) {
    const entry = `${effect.address} (${effect.argument}, ${effect.effect === "replaces" ? "REPLACED" : effect.effect})`;
    byStack.set(effect.stack, [...new Set([...(byStack.get(effect.stack) ?? []), entry])]);
  }
  for (const [stack, entries] of byStack) lines.push(`    then in ${stack}, through this stack's outputs: ${entries.join(", ")}`);
  return lines;
}

/**
 * A changed local, key by key: resources reading it say `follows local.<name>` below. A text
 * added or removed whole is shown line by line, like a changed one.
 */
function renderLocal(local: LocalChange, publicValues: readonly string[]): string[] {
  const lines = [`    ~   ${local.address}  changed (read by the resources below that follow it)`];
  for (const { key, before, after } of local.entries) {
    const path = key === undefined ? "value" : `[${JSON.stringify(key)}]`;
    const text = (value: unknown) => value === undefined || isMultiline(value);
    if (text(before) && text(after) && !SENSITIVE_NAME.test(path) && !containsSecret(before, publicValues) && !containsSecret(after, publicValues)) {
      const label = before === undefined ? "added" : after === undefined ? "removed" : "changed";
      lines.push(`        ${path}: ${label}`, ...unifiedDiff((before as string | undefined) ?? "", (after as string | undefined) ?? "").map((line) => `          ${line}`));
      continue;
    }
    lines.push(...renderChange("", { argument: local.address, path, before, after, effect: "in place" }, publicValues));
  }
  return lines;
}

function renderChange(type: string, change: ClassifiedChange, publicValues: readonly string[]): string[] {
  const note = noteFor(change);
  const sensitive = SENSITIVE_TYPES.includes(type) || SENSITIVE_NAME.test(change.path);
  if (!sensitive && isMultiline(change.before) && isMultiline(change.after) && !containsSecret(change.before, publicValues) && !containsSecret(change.after, publicValues)) {
    return [`        ${change.path}: changed${note}`, ...unifiedDiff(change.before, change.after).map((line) => `          ${line}`)];
  }
  const shown = (value: unknown) => (sensitive ? "(sensitive)" : showValue(value, publicValues));
  if (change.before === undefined) return [`        ${change.path}: + ${shown(change.after)}${note}`];
  if (change.after === undefined) return [`        ${change.path}: - ${shown(change.before)}${note}`];
  if (!sensitive && typeof change.before === "string" && typeof change.after === "string") {
    const [before, after] = fromFirstDifference(change.before, change.after);
    return [`        ${change.path}: ${showValue(before, publicValues)} -> ${showValue(after, publicValues)}${note}`];
  }
  return [`        ${change.path}: ${shown(change.before)} -> ${shown(change.after)}${note}`];
}

/**
 * Two long strings that share a long beginning (a key with a new last character) would look
 * the same once shortened: both are shown from a little before their first difference.
 */
export function fromFirstDifference(before: string, after: string): [string, string] {
  if (before.length <= LONGEST_SHOWN && after.length <= LONGEST_SHOWN) return [before, after];
  let common = 0;
  while (common < before.length && common < after.length && before[common] === after[common]) common += 1;
  const start = Math.max(0, common - 10);
  if (start < 10) return [before, after];
  return [`…${before.slice(start)}`, `…${after.slice(start)}`];
}

function noteFor(change: ClassifiedChange): string {
  const notes: string[] = [];
  if (change.through !== undefined) notes.push(`follows ${change.through}`);
  if (change.effect === "replaces") notes.push(change.unclassified === true ? "not in the force-new table: assumed to force replacement" : "forces replacement");
  if (change.effect === "ignored") notes.push("ignored by lifecycle: takes effect only on rebuild");
  if (change.effect === "setting") notes.push("Terraform setting, no change to the object");
  return notes.length === 0 ? "" : `   (${notes.join("; ")})`;
}

/** A value on one line: secrets masked, long values shortened with their length. */
export function showValue(value: unknown, publicValues: readonly string[] = []): string {
  if (value === undefined) return "(none)";
  if (value === KNOWN_AFTER_APPLY) return KNOWN_AFTER_APPLY;
  const text = typeof value === "string" ? value : canonicalJson(value);
  if (containsSecret(text, publicValues)) return "(sensitive)";
  const quoted = JSON.stringify(text.length > LONGEST_SHOWN ? text.slice(0, LONGEST_SHOWN - 20) : text);
  const shown = typeof value === "string" ? quoted : text.length > LONGEST_SHOWN ? text.slice(0, LONGEST_SHOWN - 20) : text;
  return text.length > LONGEST_SHOWN ? `${shown}... (${text.length} characters)` : shown;
}

function isMultiline(value: unknown): value is string {
  return typeof value === "string" && value.includes("\n");
}

function containsSecret(value: unknown, publicValues: readonly string[]): boolean {
  return typeof value === "string" && secretKindIn(value, { publicValues }) !== undefined;
}
