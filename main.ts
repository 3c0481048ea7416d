import type { App } from "cdktf";
import { parseArgs } from "node:util";
import * as path from "node:path";
import { ConfigError } from "./config/errors";
import { CONFIG_ENV_VAR, DEFAULT_CONFIG_FILES, loadConfigFile, resolveConfigFile } from "./config/load";
import { closestMatch } from "./config/suggest";
import { PolicyError } from "./constructs/policy/report";
import { PropsError } from "./constructs/validation";
import { adoptionNotes } from "./stacks/adoption";
import { buildApp, stackName } from "./stacks/app";
import { ChangeRefusedError, reviewOptionsFromConfig } from "./stacks/review-summary";
import { OutdirError, SecretInOutputError, synthesizeAtomically, synthesizeWithReviewHcl, type SynthesisOptions } from "./stacks/synthesize";

interface FlagSpec {
  readonly type: "string" | "boolean";
  readonly multiple?: true;
  readonly short?: string;
  /** How the value is shown in the help. */
  readonly value?: string;
  readonly help: string;
}

/** Every flag the app takes; `--help` prints them from here, so the two never disagree. */
const FLAGS: Readonly<Record<"config" | "hcl" | "quiet" | "allow-replace" | "forget" | "help", FlagSpec>> = {
  config: { type: "string", value: "<file>", help: `config file to synthesize (default: $${CONFIG_ENV_VAR}, else ${DEFAULT_CONFIG_FILES.join(", else ")})` },
  hcl: { type: "boolean", help: "also write every stack as HCL for review, to cdktf.out/hcl/<stack>/main.tf" },
  quiet: { type: "boolean", help: "print only the first line, not the review summary" },
  "allow-replace": { type: "string", multiple: true, value: "<address>", help: "accept that this resource is replaced (repeat for more)" },
  forget: { type: "string", multiple: true, value: "<stack>", help: "accept that this stack is no longer synthesized (repeat for more)" },
  help: { type: "boolean", short: "h", help: "print this help and exit" },
};

const ENVIRONMENT = [
  [CONFIG_ENV_VAR, "config file when --config is not given"],
  ["CDKTF_OUTDIR", "output directory (default: cdktf.out)"],
  ["SYNTH_HCL_OUTPUT", '"true" (set by `cdktf synth --hcl`): the stack directories hold HCL (cdk.tf) instead of JSON'],
  ["CHECKPOINT_DISABLE", "set to 1 so Terraform and the cdktf CLI never call HashiCorp's checkpoint service"],
  ["DISABLE_VERSION_CHECK", "set to 1 so the cdktf CLI never asks npm for a newer version"],
] as const;

const USAGE = "usage: npm run synth -- [--config <file>] [--hcl] [--quiet] [--allow-replace <address>]... [--forget <stack>]...";

function helpText(): string {
  const flag = ([name, spec]: [string, FlagSpec]): string =>
    `${spec.short === undefined ? "    " : `-${spec.short}, `}--${name}${spec.value === undefined ? "" : ` ${spec.value}`}`;
  const flags = Object.entries(FLAGS).map((entry) => `  ${flag(entry).padEnd(34)}${entry[1].help}`);
  const environment = ENVIRONMENT.map(([name, help]) => `  ${name.padEnd(34)}${help}`);
  return [
    "Synthesizes every stack of the config into cdktf.out/stacks/<stack>/ (Terraform JSON, README.md,",
    "terraform.tfvars.example). The config is validated first: a bad config writes nothing.",
    "",
    USAGE,
    "       npx cdktf synth [--hcl]      (the same app through the cdktf CLI; flags through environment variables)",
    "",
    "flags:",
    ...flags,
    "",
    "environment:",
    ...environment,
    "",
    "exit codes:",
    "  0  done: every stack synthesized",
    "  1  refused: bad command line, invalid config, or a guard rail said no; nothing was written",
    "  2  internal error: a bug, please report it with the output",
    "",
  ].join("\n");
}

interface CommandLine {
  readonly config?: string;
  readonly hcl: boolean;
  readonly quiet: boolean;
  readonly help: boolean;
  readonly synthesis: SynthesisOptions;
}

/** Strict: an unknown or misspelled flag, a stray argument or a missing value is a UsageError. */
function parseCommandLine(argv: readonly string[]): CommandLine {
  const options = Object.fromEntries(
    Object.entries(FLAGS).map(([name, spec]) => [name, { type: spec.type, ...(spec.multiple ? { multiple: true } : {}), ...(spec.short === undefined ? {} : { short: spec.short }) }]),
  );
  let values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  try {
    ({ values } = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }));
  } catch (error) {
    throw new UsageError(describeParseError(error));
  }
  const strings = (name: keyof typeof FLAGS): string[] => {
    const value = values[name];
    return (Array.isArray(value) ? value : []).filter((item): item is string => typeof item === "string");
  };
  const config = values.config;
  if (config === "") throw new UsageError("--config needs a file name");
  return {
    ...(typeof config === "string" ? { config } : {}),
    hcl: values.hcl === true,
    quiet: values.quiet === true,
    help: values.help === true,
    synthesis: { allowReplace: strings("allow-replace"), forget: strings("forget") },
  };
}

function describeParseError(error: unknown): string {
  const message = error instanceof Error ? error.message.split("\n")[0] ?? "" : String(error);
  const unknown = /^Unknown option '(-{1,2})([^'=]*)/.exec(message);
  if (unknown !== null) {
    const suggestion = closestMatch(unknown[2] ?? "", Object.keys(FLAGS));
    return `unknown option ${unknown[1]}${unknown[2]}${suggestion === undefined ? "" : ` (did you mean --${suggestion}?)`}`;
  }
  const missing = /^Option '--([a-z-]+)(?: <value>)?' argument (?:missing|is ambiguous)/.exec(message);
  if (missing !== null) return `--${missing[1]} needs a value: --${missing[1]} ${valueName(missing[1] ?? "")} or --${missing[1]}=${valueName(missing[1] ?? "")}`;
  const positional = /^Unexpected argument '([^']*)'/.exec(message);
  if (positional !== null) return `unexpected argument ${JSON.stringify(positional[1])}: the app takes only flags (a config file is --config ${positional[1]})`;
  return message.replace(/^Option/, "option");
}

function valueName(flag: string): string {
  return (FLAGS as Readonly<Record<string, FlagSpec | undefined>>)[flag]?.value ?? "<value>";
}

/**
 * `npm run synth --config=x` (without `--`) hands `--config` to npm, which keeps it as its own
 * setting: the app would silently synthesize the default file. npm exports such settings as
 * npm_config_<name>, which is how they are recognized here.
 */
function flagsNpmKept(env: NodeJS.ProcessEnv): string[] {
  if (env.npm_lifecycle_event === undefined) return [];
  return Object.keys(FLAGS)
    .filter((name) => env[`npm_config_${name.replaceAll("-", "_")}`] !== undefined && name !== "help")
    .map((name) => `--${name}`);
}

/**
 * Entry point for `cdktf synth` and `npm run synth`: load and validate the config first, so
 * that a bad config writes nothing, then synthesize every stack.
 */
async function main(argv: readonly string[]): Promise<void> {
  const commandLine = parseCommandLine(argv);
  if (commandLine.help) {
    process.stdout.write(helpText());
    return;
  }
  const kept = flagsNpmKept(process.env);
  if (kept.length > 0) throw new UsageError(`npm kept ${kept.join(", ")} for itself: put -- between npm's arguments and the app's (npm run synth -- ${kept[0]} ...)`);
  const cwd = process.cwd();
  const file = resolveConfigFile(cwd, commandLine.config);
  if (path.basename(file) === "terraform.tfvars.example" && commandLine.config === undefined && !process.env[CONFIG_ENV_VAR]) {
    console.log("note: no terraform.tfvars here, so this synthesizes the shipped example terraform.tfvars.example (copy it to terraform.tfvars and edit it)");
  }
  const loaded = await loadConfigFile(file, cwd);
  const outdir = process.env.CDKTF_OUTDIR || "cdktf.out";
  // `cdktf synth --hcl` sets SYNTH_HCL_OUTPUT: HCL then replaces the JSON in the stack directories.
  const hclInStackDirs = process.env.SYNTH_HCL_OUTPUT === "true";
  const withHcl = commandLine.hcl || hclInStackDirs;
  const build = (stagingOutdir: string): App => buildApp(loaded.config, { outdir: stagingOutdir, hclOutput: hclInStackDirs });
  const options = { ...reviewOptionsFromConfig(loaded.config), ...commandLine.synthesis };
  const report = withHcl ? await synthesizeWithReviewHcl(outdir, build, options) : synthesizeAtomically(outdir, build, options);
  console.log(`synthesized ${report.stackNames.join(", ")} from ${loaded.file} into ${outdir}`);
  for (const removed of report.removedStacks) console.log(`removed ${path.join(outdir, removed)}: that stack is no longer synthesized`);
  if (commandLine.quiet) return;
  for (const note of loaded.notes) console.log(`note: ${note}`);
  console.log(`\n${report.summary}`);
  const adoption = adoptionNotes(loaded.config);
  if (adoption.length > 0) console.log(`\nadoption (docs/adopting.md):\n${adoption.map((note) => `  ${stackName(note.stack, loaded.config)}: ${note.text}`).join("\n")}`);
}

class UsageError extends Error {}

main(process.argv.slice(2)).catch((error: unknown) => {
  const refused = [ConfigError, PropsError, PolicyError, UsageError, OutdirError, ChangeRefusedError, SecretInOutputError].some((kind) => error instanceof kind);
  if (refused) {
    console.error(`error: ${(error as Error).message}`);
    if (error instanceof UsageError) console.error(`${USAGE}\n(npm run synth -- --help lists every flag and environment variable)`);
    console.error("nothing was written.");
    process.exit(1);
  }
  console.error(error);
  console.error("internal error: this is a bug; please report it with the output above.");
  process.exit(2);
});
