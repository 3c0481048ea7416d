import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import type { Socket } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { sleepSync } from "../sleep-sync";

/**
 * Terraform starts a provider process for every provider it talks to, several times per
 * command (schemas, validation, plan, apply), and each start of the emulator costs Node's
 * start-up and gRPC's: about two thirds of the CPU of an offline plan. Instead, a Terraform
 * command that does not install providers reattaches (TF_REATTACH_PROVIDERS, Terraform's own
 * mechanism for harnesses that run their providers themselves) to one long-lived process per
 * emulator home and fake cloud, serving all four providers with the same handlers.
 *
 * Terraform treats a reattached provider like a development override: it checks neither the
 * installed package against the lock file nor the lock file against the configuration's version
 * constraints. `init` (never reattached) still installs from the emulator's mirror and checks
 * both, and every runner here runs `init` right before the commands that follow it. So that a
 * command in a directory that was never initialised, or that requires a provider `init` did not
 * install, still fails as it would for real, only the providers installed in the working
 * directory's `.terraform/providers/` are reattached, and only when its lock file exists.
 *
 * OFFLINE_TF_REATTACH=0 turns this off: Terraform then starts the mirror's providers itself, as
 * plain `terraform` does after `npm run tf:env`.
 */

/** Subcommands that install providers: they must read the mirror (a reattached provider is left out of the lock file). */
const INSTALLING_SUBCOMMANDS: ReadonlySet<string> = new Set(["init", "get", "providers"]);
/** Hosts kept running per process; the least recently used one is stopped beyond this. */
const MAX_HOSTS = 3;
const START_TIMEOUT_MS = 30_000;

interface ProviderHost {
  readonly child: ChildProcess;
  readonly dir: string;
  readonly entries: Readonly<Record<string, unknown>>;
  readonly sockets: readonly string[];
}

const hosts = new Map<string, ProviderHost>();
let cleanupRegistered = false;

/**
 * `env` for `terraform <args>` run in `cwd`, with TF_REATTACH_PROVIDERS naming a provider host
 * when the run is an emulator run (OFFLINE_TF_HOME and OFFLINE_TF_STORE set) of a subcommand
 * that uses providers, in an initialised working directory.
 */
export function withProviderHost(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const home = env.OFFLINE_TF_HOME;
  const store = env.OFFLINE_TF_STORE;
  if (home === undefined || home === "" || store === undefined || store === "") return env;
  if (env.OFFLINE_TF_REATTACH === "0" || (env.TF_REATTACH_PROVIDERS ?? "") !== "") return env;
  const subcommand = args.find((arg) => !arg.startsWith("-"));
  if (subcommand === undefined || INSTALLING_SUBCOMMANDS.has(subcommand)) return env;
  const installed = installedProviders(workingDirectory(args, cwd), env);
  if (installed.length === 0) return env;
  const entries = providerHost(home, store, env).entries;
  const reattach = Object.fromEntries(installed.filter((source) => entries[source] !== undefined).map((source) => [source, entries[source]]));
  return Object.keys(reattach).length === 0 ? env : { ...env, TF_REATTACH_PROVIDERS: JSON.stringify(reattach) };
}

/** The process ids of the provider hosts this process has running, oldest use first. */
export function runningProviderHosts(): number[] {
  return [...hosts.values()].filter(isServing).map((host) => host.child.pid as number);
}

/** Stops every provider host this process started (they also end when this process does). */
export function stopProviderHosts(): void {
  for (const key of [...hosts.keys()]) stopHost(key);
}

/** Where Terraform works: `-chdir=DIR` (from `cwd`), else `cwd`. */
function workingDirectory(args: readonly string[], cwd: string): string {
  const chdir = args.find((arg) => arg.startsWith("-chdir="));
  return chdir === undefined ? cwd : path.resolve(cwd, chdir.slice("-chdir=".length));
}

/**
 * The provider sources `init` installed in `dir` (`.terraform/providers/<host>/<namespace>/<type>/`,
 * or under TF_DATA_DIR), none when the directory has no lock file.
 */
function installedProviders(dir: string, env: NodeJS.ProcessEnv): string[] {
  if (!existsSync(path.join(dir, ".terraform.lock.hcl"))) return [];
  const dataDir = path.resolve(dir, env.TF_DATA_DIR !== undefined && env.TF_DATA_DIR !== "" ? env.TF_DATA_DIR : ".terraform");
  const providers = path.join(dataDir, "providers");
  const below = (relative: string): string[] => {
    try {
      return readdirSync(path.join(providers, relative), { withFileTypes: true })
        .filter((entry) => entry.isDirectory() || entry.isSymbolicLink())
        .map((entry) => (relative === "" ? entry.name : `${relative}/${entry.name}`));
    } catch {
      return [];
    }
  };
  return below("").flatMap(below).flatMap(below);
}

function providerHost(home: string, store: string, env: NodeJS.ProcessEnv): ProviderHost {
  const bundle = path.join(home, "provider.js");
  // A rebuilt bundle, schema or proto file gets a new host: the old one serves the old ones.
  const key = JSON.stringify([path.resolve(home), path.resolve(store), servedFiles(home)]);
  const current = hosts.get(key);
  if (current !== undefined && isServing(current)) {
    hosts.delete(key);
    hosts.set(key, current);
    return current;
  }
  if (current !== undefined) stopHost(key);
  while (hosts.size >= MAX_HOSTS) stopHost(hosts.keys().next().value as string);
  const host = startHost(bundle, path.resolve(store), env);
  hosts.set(key, host);
  return host;
}

/** Size and modification time of everything a host reads when it starts. */
function servedFiles(home: string): string[] {
  const files = [path.join(home, "provider.js"), ...["schemas", "proto"].flatMap((dir) => (existsSync(path.join(home, dir)) ? readdirSync(path.join(home, dir)).sort().map((name) => path.join(home, dir, name)) : []))];
  return files.map((file) => {
    const stat = statSync(file);
    return `${path.relative(home, file)}:${stat.size}:${stat.mtimeMs}`;
  });
}

function startHost(bundle: string, store: string, env: NodeJS.ProcessEnv): ProviderHost {
  if (!cleanupRegistered) {
    process.once("exit", stopProviderHosts);
    cleanupRegistered = true;
  }
  // The host removes this directory (its ready file and log) when it stops.
  const dir = mkdtempSync(path.join(tmpdir(), "offline-tf-host-"));
  const readyFile = path.join(dir, "reattach.json");
  const logFile = path.join(dir, "host.log");
  const log = openSync(logFile, "w");
  // stdin is a pipe held only by this process: when it ends, however it ends, the host sees
  // end-of-file and stops. unref() lets this process end without waiting for the host.
  const child = spawn(process.execPath, [bundle, "--host", store, dir], { stdio: ["pipe", "ignore", log], env });
  closeSync(log);
  child.unref();
  (child.stdin as Socket | null)?.unref();
  child.stdin?.on("error", () => undefined);
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!existsSync(readyFile)) {
    const failed = child.pid === undefined || !isRunning(child.pid) ? "it exited" : Date.now() > deadline ? `it was not listening after ${START_TIMEOUT_MS / 1000} s` : undefined;
    if (failed !== undefined) {
      child.kill("SIGKILL");
      const output = existsSync(logFile) ? readFileSync(logFile, "utf8").trim() : "";
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`offline Terraform: the provider host (${bundle} --host) did not start: ${failed}${output === "" ? "" : `:\n${output}`}`);
    }
    sleepSync(5);
  }
  const entries = JSON.parse(readFileSync(readyFile, "utf8")) as Record<string, { Addr: { String: string } }>;
  return { child, dir, entries, sockets: Object.values(entries).map((entry) => entry.Addr.String) };
}

/** Stops a host; removes what it leaves when it cannot clean up itself (killed, crashed). */
function stopHost(key: string): void {
  const host = hosts.get(key);
  if (host === undefined) return;
  hosts.delete(key);
  host.child.kill("SIGTERM");
  if (host.child.pid === undefined || !isRunning(host.child.pid)) {
    for (const socket of host.sockets) rmSync(socket, { force: true });
    rmSync(host.dir, { recursive: true, force: true });
  }
}

/** The host still runs and still listens (it removes its sockets when it stops). */
function isServing(host: ProviderHost): boolean {
  return host.child.pid !== undefined && isRunning(host.child.pid) && host.sockets.every((socket) => existsSync(socket));
}

/**
 * Whether `pid` runs. A child that exited stays a zombie until this process's event loop reaps
 * it, which a synchronous caller never lets happen, so on Linux /proc tells the difference
 * (elsewhere a zombie counts as running, and a dead host is only noticed by its missing sockets).
 */
export function isRunning(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/s.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT" || existsSync("/proc/self/stat")) return false;
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
