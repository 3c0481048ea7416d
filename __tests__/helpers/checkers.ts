/**
 * Real checkers for generated user data: cloud-init's JSON schema (ajv) and cloud-init's own
 * validator for 22.4 and 25.1, shellcheck, wg, ufw and iptables-restore. Each returns the
 * problems it found (empty = clean), so tests can also prove each one fails on a planted error.
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import Ajv, { type ValidateFunction } from "ajv-draft-04";
import { isMap, isScalar, parseDocument } from "yaml";
import { REPO_ROOT } from "./synth";

export const SCHEMA_VERSIONS = ["22.4", "25.1"] as const;
export type SchemaVersion = (typeof SCHEMA_VERSIONS)[number];
export const SCHEMA_CACHE = path.join(REPO_ROOT, ".cache", "cloud-init-schemas");
const SYSTEM_PYTHON = "/usr/bin/python3";

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function run(command: string, args: readonly string[], options: { input?: string; env?: NodeJS.ProcessEnv } = {}): Run {
  const result = spawnSync(command, args, { input: options.input, env: options.env ?? process.env, encoding: "utf8", timeout: 60_000 });
  return { status: result.status, stdout: result.stdout ?? "", stderr: result.stderr ?? String(result.error ?? "") };
}

function onPath(tool: string): boolean {
  return run("sh", ["-c", `command -v ${tool}`]).status === 0;
}

/** What a checker needs, and how to get it; tests skip loudly without it, and fail under CI=true. */
export interface Requirement {
  readonly name: string;
  readonly available: boolean;
  readonly install: string;
}

export const REQUIREMENTS = {
  schemas: {
    name: "cloud-init schemas",
    available: SCHEMA_VERSIONS.every((version) => existsSync(path.join(SCHEMA_CACHE, version, "VERSION"))),
    install: "scripts/fetch-cloud-init-schemas.sh",
  },
  cloudInitValidator: {
    name: "cloud-init's validator (python3 + its Debian dependencies)",
    available:
      SCHEMA_VERSIONS.every((version) => existsSync(path.join(SCHEMA_CACHE, version, "python", "cloudinit"))) &&
      run(SYSTEM_PYTHON, ["-c", "import yaml, jsonschema, configobj, jinja2, jsonpatch"]).status === 0,
    install: "apt-get install python3-yaml python3-jsonschema python3-configobj python3-jinja2 python3-jsonpatch && scripts/fetch-cloud-init-schemas.sh",
  },
  shellcheck: { name: "shellcheck", available: onPath("shellcheck"), install: "apt-get install shellcheck" },
  wg: { name: "wg + wg-quick", available: onPath("wg") && onPath("wg-quick"), install: "apt-get install wireguard-tools" },
  ufw: { name: "ufw (as root, with unshare)", available: onPath("ufw") && onPath("unshare") && process.getuid?.() === 0, install: "apt-get install ufw (run as root)" },
  iptables: {
    name: "iptables-restore in a network namespace",
    available: onPath("iptables-restore") && run("unshare", ["-n", "iptables-restore", "--test"], { input: "*filter\nCOMMIT\n" }).status === 0,
    install: "apt-get install iptables (run as root)",
  },
  gpg: { name: "gpg", available: onPath("gpg"), install: "apt-get install gnupg" },
} satisfies Record<string, Requirement>;

const warned = new Set<string>();

/**
 * `it` when every requirement is met. Otherwise a loud skip locally, and a failing test under
 * CI=true, where every checker must run.
 */
export function itWith(...requirements: Requirement[]): jest.It {
  const missing = requirements.filter((requirement) => !requirement.available);
  if (missing.length === 0) return it;
  const what = missing.map((requirement) => `${requirement.name} (${requirement.install})`).join(", ");
  if (process.env.CI === "true") {
    const failing = ((name: string) => it(name, () => {
      throw new Error(`missing checker under CI=true: ${what}`);
    })) as unknown as jest.It;
    return failing;
  }
  if (!warned.has(what)) {
    warned.add(what);
    console.warn(`\n!!! SKIPPING checks: missing ${what}. CI=true turns these skips into failures. !!!\n`);
  }
  return it.skip;
}

// ---- YAML and document-level checks ----

/** Duplicate keys anywhere in the document, and any other YAML error. */
export function yamlProblems(userData: string): string[] {
  const document = parseDocument(userData, { uniqueKeys: true });
  return document.errors.map((error) => error.message);
}

export function parseUserData(userData: string): Record<string, unknown> {
  const document = parseDocument(userData, { uniqueKeys: true });
  if (document.errors.length > 0) throw new Error(document.errors.map((error) => error.message).join("\n"));
  return document.toJS() as Record<string, unknown>;
}

/** Top-level keys that are not in the allowed list. */
export function unknownTopLevelKeys(userData: string, allowed: readonly string[]): string[] {
  const document = parseDocument(userData);
  if (!isMap(document.contents)) return ["<the document is not a mapping>"];
  return document.contents.items.map((pair) => (isScalar(pair.key) ? String(pair.key.value) : "<complex key>")).filter((key) => !allowed.includes(key));
}

/** Every write_files entry has a quoted octal mode string, and secrets-bearing paths are 0600. */
export function permissionProblems(userData: string): string[] {
  const files = (parseUserData(userData).write_files ?? []) as { path: string; permissions?: unknown }[];
  const problems: string[] = [];
  for (const file of files) {
    if (typeof file.permissions !== "string" || !/^0[0-7]{3}$/.test(file.permissions)) {
      problems.push(`${file.path}: permissions ${JSON.stringify(file.permissions)} is not an octal string such as "0644"`);
      continue;
    }
    const mode = Number.parseInt(file.permissions, 8);
    if (file.path.startsWith("/etc/wireguard/") && mode !== 0o600) problems.push(`${file.path}: expected 0600, found ${file.permissions}`);
    if ((mode & 0o002) !== 0) problems.push(`${file.path}: world-writable (${file.permissions})`);
  }
  return problems;
}

// ---- cloud-init's schema (ajv) and cloud-init's own validator ----

const validators = new Map<SchemaVersion, ValidateFunction>();

export function cloudInitSchema(version: SchemaVersion): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(SCHEMA_CACHE, version, "schema-cloud-config-v1.json"), "utf8")) as Record<string, unknown>;
}

/** Every top-level key cloud-init's schema of that version knows. */
export function schemaTopLevelKeys(version: SchemaVersion): string[] {
  const defs = (cloudInitSchema(version).$defs ?? {}) as Record<string, { properties?: Record<string, unknown> }>;
  return [...new Set(Object.values(defs).flatMap((definition) => Object.keys(definition.properties ?? {})))];
}

function schemaValidator(version: SchemaVersion): ValidateFunction {
  const cached = validators.get(version);
  if (cached !== undefined) return cached;
  // cloud-init's annotation keywords; they do not constrain values.
  const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
  const validate = ajv.compile(cloudInitSchema(version));
  validators.set(version, validate);
  return validate;
}

export function schemaProblems(userData: string, version: SchemaVersion): string[] {
  const validate = schemaValidator(version);
  if (validate(parseUserData(userData))) return [];
  return (validate.errors ?? []).map((error) => `${error.instancePath || "/"} ${error.message ?? ""} ${JSON.stringify(error.params)}`);
}

/** `cloud-init schema --config-file`, run from the cached Debian package with the system python. */
export function cloudInitValidatorProblems(userData: string, version: SchemaVersion): string[] {
  return cloudInitValidatorProblemsOfEach([userData], version)[0] ?? [];
}

/**
 * cloudInitValidatorProblems for each document: one `cloud-init schema --config-file` run per
 * document, as above, but forked from one python that imported cloud-init once (fork-runner.py).
 */
export function cloudInitValidatorProblemsOfEach(userData: readonly string[], version: SchemaVersion): string[][] {
  const dir = mkdtempSync(path.join(tmpdir(), "cloud-init-schema-"));
  try {
    const files = userData.map((content, index) => {
      const file = path.join(dir, `user-data-${index}`);
      writeFileSync(file, content);
      return file;
    });
    const runs = forkRuns(
      { module: "cloudinit.cmd.main", preload: ["cloudinit.cmd.main", "cloudinit.config.schema"], runs: files.map((file) => ["schema", "--config-file", file]) },
      { PATH: process.env.PATH ?? "/usr/bin:/bin", PYTHONPATH: path.join(SCHEMA_CACHE, version, "python"), LANG: "C.UTF-8" },
    );
    return runs.map((result) => {
      const output = `${result.stdout}\n${result.stderr}`;
      const problems: string[] = [];
      if (result.status !== 0) problems.push(`cloud-init ${version} schema exited ${result.status}: ${output.trim()}`);
      const deprecations = /schema deprecations:[ \t]*(\S[^\n]*)/i.exec(output);
      if (deprecations !== null) problems.push(`cloud-init ${version} reports deprecations: ${deprecations[1]}`);
      return problems;
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const FORK_RUNNER = path.join(__dirname, "fork-runner.py");

/** Runs a python program once per argument list through fork-runner.py (see there); throws when the runner itself fails. */
function forkRuns(job: { module?: string; script?: string; preload: readonly string[]; runs: readonly (readonly string[])[] }, env: NodeJS.ProcessEnv): Run[] {
  if (job.runs.length === 0) return [];
  const result = spawnSync(SYSTEM_PYTHON, [FORK_RUNNER], { input: JSON.stringify(job), env, encoding: "utf8", timeout: 300_000, maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`fork-runner.py failed (${String(result.status ?? result.error)}): ${result.stderr}`);
  const runs = JSON.parse(result.stdout) as Run[];
  if (runs.length !== job.runs.length) throw new Error(`fork-runner.py returned ${runs.length} results for ${job.runs.length} runs`);
  return runs;
}

// ---- shell ----

/** A shell fragment and what it came from. */
export interface ShellSnippet {
  readonly origin: string;
  readonly script: string;
}

/** Every runcmd entry (sh -c), every written script (by its #! line) and wg-quick hooks (bash). */
export function shellSnippets(userData: string): ShellSnippet[] {
  const config = parseUserData(userData);
  const snippets: ShellSnippet[] = ((config.runcmd ?? []) as unknown[]).map((command, index) => ({
    origin: `runcmd[${index}]`,
    script: `#!/bin/sh\n${typeof command === "string" ? command : (command as string[]).join(" ")}\n`,
  }));
  for (const file of (config.write_files ?? []) as { path: string; content: string }[]) {
    if (file.content.startsWith("#!")) snippets.push({ origin: file.path, script: file.content });
    if (file.path.startsWith("/etc/wireguard/") && file.path.endsWith(".conf")) {
      for (const match of file.content.matchAll(/^(?:Pre|Post)(?:Up|Down)\s*=\s*(.*)$/gm)) {
        snippets.push({ origin: `${file.path} hook`, script: `#!/bin/bash\n${(match[1] ?? "").replaceAll("%i", "wg0")}\n` });
      }
    }
  }
  return snippets;
}

export function shellcheckProblems(snippet: ShellSnippet): string[] {
  return shellcheckProblemsOfEach([snippet])[0] ?? [];
}

/**
 * shellcheckProblems for each snippet, from one shellcheck run over one file per snippet
 * (shellcheck checks each file on its own, by its #! line, and names the file on every finding).
 */
export function shellcheckProblemsOfEach(snippets: readonly ShellSnippet[]): string[][] {
  if (snippets.length === 0) return [];
  const dir = mkdtempSync(path.join(tmpdir(), "shellcheck-"));
  try {
    const files = snippets.map((snippet, index) => {
      const file = path.join(dir, `snippet-${index}`);
      writeFileSync(file, snippet.script);
      return file;
    });
    const result = run("shellcheck", ["--format=gcc", ...files]);
    const lines = result.stdout.split("\n").filter((line) => line.trim() !== "");
    const findings = files.map((file) => lines.filter((line) => line.startsWith(`${file}:`)).map((line) => line.slice(dir.length + 1)));
    const attributed = findings.reduce((count, found) => count + found.length, 0);
    if (result.status !== 0 && (attributed === 0 || attributed !== lines.length)) {
      // Output no snippet accounts for (shellcheck itself failed): every snippet fails with it.
      return snippets.map((snippet) => [`${snippet.origin}: shellcheck exited ${String(result.status)}: ${result.stdout.trim()}${result.stderr.trim()}`]);
    }
    return snippets.map((snippet, index) => (findings[index]!.length === 0 ? [] : [`${snippet.origin}: ${findings[index]!.join("\n")}${result.stderr.trim()}`]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---- WireGuard ----

export function wireguardConfigs(userData: string): { path: string; content: string }[] {
  const files = (parseUserData(userData).write_files ?? []) as { path: string; content: string }[];
  return files.filter((file) => /^\/etc\/wireguard\/[^/]+\.conf$/.test(file.path));
}

/**
 * `wg-quick strip` then `wg setconf` on an interface that does not exist: wg parses the whole
 * file first and reports any parse error; only a clean parse gets as far as the interface.
 */
export function wgProblems(content: string): string[] {
  const dir = mkdtempSync(path.join(tmpdir(), "wg-check-"));
  try {
    const file = path.join(dir, "wg0.conf");
    writeFileSync(file, content, { mode: 0o600 });
    const stripped = run("wg-quick", ["strip", file]);
    if (stripped.status !== 0) return [`wg-quick strip failed: ${stripped.stderr.trim()}`];
    // A file rather than /dev/stdin: node's stdin pipe is a socket, which wg cannot fopen.
    const strippedFile = path.join(dir, "stripped.conf");
    writeFileSync(strippedFile, stripped.stdout, { mode: 0o600 });
    const result = run("wg", ["setconf", "nosuchif", strippedFile]);
    const parsedFully = /Unable to modify interface/.test(result.stderr);
    return parsedFully ? [] : [`wg setconf: ${result.stderr.trim() || "no error about the interface, so parsing did not finish"}`];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---- UFW and iptables ----

export function ufwCommands(userData: string): string[] {
  return ((parseUserData(userData).runcmd ?? []) as string[]).filter((command) => command.startsWith("ufw "));
}

/**
 * Runs each generated `ufw ...` command line as `ufw --dry-run ...` through sh (so quoting is
 * tested as written). It runs in a private mount namespace over copies of /etc/ufw and
 * /etc/default/ufw: `ufw --dry-run enable` still writes ufw.conf, and this machine's firewall
 * must not change.
 */
export function ufwDryRunProblems(commands: readonly string[]): string[] {
  return ufwDryRunProblemsOfEach([commands])[0] ?? [];
}

/**
 * ufwDryRunProblems for each list of command lines, in one namespace. sh runs every line as
 * written, with `ufw` a function that records the arguments it was called with (NUL-separated);
 * then each recorded call runs as `ufw --dry-run ARGS` in its own process, forked from one python
 * that imported ufw once (fork-runner.py), inside the same namespace.
 */
export function ufwDryRunProblemsOfEach(commandLists: readonly (readonly string[])[]): string[][] {
  const dir = mkdtempSync(path.join(tmpdir(), "ufw-check-"));
  try {
    cpSync("/etc/ufw", path.join(dir, "etc-ufw"), { recursive: true });
    cpSync("/etc/default/ufw", path.join(dir, "default-ufw"));
    const calls = path.join(dir, "calls");
    const lines = commandLists.flatMap((commands, list) => commands.map((command, index) => ({ list, command, id: `${list}.${index}` })));
    const driver = path.join(dir, "driver.py");
    writeFileSync(driver, UFW_DRIVER);
    const script = [
      "set -u",
      `mount --bind ${dir}/etc-ufw /etc/ufw`,
      `mount --bind ${dir}/default-ufw /etc/default/ufw`,
      'UFW_SCRIPT="$(command -v ufw)"',
      // I<line id>, then A<argument> for each argument: one record per call of ufw.
      `ufw() { printf 'I%s\\0' "$UFW_LINE" >>${calls}; for argument in "$@"; do printf 'A%s\\0' "$argument" >>${calls}; done; }`,
      `: >${calls}`,
      ...lines.map(({ command, id }) => `UFW_LINE=${id}; ${command} || echo "FAILED ${id}"`),
      `${SYSTEM_PYTHON} ${driver} ${calls} "$UFW_SCRIPT" ${FORK_RUNNER}`,
    ].join("\n");
    const result = run("unshare", ["-m", "sh", "-c", script]);
    const failedLines = new Set([...result.stdout.matchAll(/^FAILED (\d+\.\d+)$/gm)].map((match) => match[1] ?? ""));
    const refusals = new Map<string, string>();
    const report = /^UFW-RESULTS (.*)$/m.exec(result.stdout);
    for (const call of report === null ? [] : (JSON.parse(report[1] ?? "[]") as { line: string; status: number; stderr: string }[])) {
      if (call.status !== 0) refusals.set(call.line, `${refusals.get(call.line) ?? ""}${call.stderr.trim()}\n`);
    }
    return commandLists.map((_commands, list) => {
      const mine = lines.filter((line) => line.list === list);
      const failed = mine.filter(({ id }) => failedLines.has(id) || refusals.has(id));
      const problems = failed.map(({ command }) => `ufw --dry-run refused: ${command}`);
      if ((result.status !== 0 || report === null) && problems.length === 0) problems.push(`ufw dry run could not run: ${result.stderr.trim()}`);
      if (failed.length > 0) problems.push(`${failed.map(({ id }) => refusals.get(id) ?? "").join("").trim()}${result.stderr.trim()}`);
      return problems;
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Reads the recorded calls (argv[1]) and runs each as `<ufw script (argv[2])> --dry-run ARGS`
 * through fork-runner.py (argv[3]), printing one UFW-RESULTS line of JSON.
 */
const UFW_DRIVER = `import json, subprocess, sys
records = open(sys.argv[1], "rb").read().split(b"\\0")[:-1]
calls = []
for record in records:
    text = record.decode("utf-8", "surrogateescape")
    if text.startswith("I"):
        calls.append({"line": text[1:], "args": []})
    else:
        calls[-1]["args"].append(text[1:])
job = {"script": sys.argv[2], "preload": ["ufw.frontend", "ufw.common", "ufw.util", "gettext"], "runs": [["--dry-run", *call["args"]] for call in calls]}
done = subprocess.run([sys.executable, sys.argv[3]], input=json.dumps(job), capture_output=True, text=True)
if done.returncode != 0:
    sys.stderr.write(done.stderr)
    sys.exit(1)
results = json.loads(done.stdout)
print("UFW-RESULTS " + json.dumps([{"line": call["line"], "status": result["status"], "stderr": result["stderr"]} for call, result in zip(calls, results)]))
`;

/** The after.rules / after6.rules additions, appended to the files the ufw package ships. */
export function afterRulesAppends(userData: string): { path: string; content: string }[] {
  const files = (parseUserData(userData).write_files ?? []) as { path: string; content: string; append?: boolean }[];
  return files.filter((file) => file.append === true && /^\/etc\/ufw\/after6?\.rules$/.test(file.path));
}

/** iptables-restore --test of the shipped after.rules plus our addition, in a throwaway network namespace. */
export function iptablesRestoreProblems(file: { path: string; content: string }, shipped?: string): string[] {
  const base = shipped ?? (existsSync(file.path) ? readFileSync(file.path, "utf8") : "");
  const tool = file.path.endsWith("after6.rules") ? "ip6tables-restore" : "iptables-restore";
  // ufw's own files refer to chains ufw creates at start; declare them so the test stands alone.
  const ufwChains = [...new Set([...base.matchAll(/-j (ufw[6]?-[a-z-]+)/g)].map((match) => match[1] ?? ""))];
  const prelude = ufwChains.length === 0 ? "" : `*filter\n${ufwChains.map((chain) => `:${chain} - [0:0]`).join("\n")}\nCOMMIT\n`;
  const result = run("unshare", ["-n", tool, "--test"], { input: `${prelude}${base}${file.content}` });
  return result.status === 0 ? [] : [`${tool} --test (${file.path}): ${result.stderr.trim()}`];
}
