import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { adoptionFromState, AmbiguousStateError, parseState, StateFormatError } from "../config/adopt-from-state";

const USAGE =
  "usage: npm run adopt -- --from-state <terraform.tfstate> [--prefix <project>-<environment>]   (prints the adopt = { ... } block for terraform.tfvars; writes nothing)";

/**
 * `npm run adopt -- --from-state <file>`: the adopt block on stdout, what could not be matched
 * (and why) on stderr. Nothing is written; no secret attribute of the state is ever printed.
 */
function main(argv: readonly string[]): number {
  let values: { "from-state"?: string; prefix?: string; help?: boolean };
  try {
    ({ values } = parseArgs({ args: [...argv], strict: true, allowPositionals: false, options: { "from-state": { type: "string" }, prefix: { type: "string" }, help: { type: "boolean" } } }));
  } catch (error) {
    console.error(`error: ${(error as Error).message}\n${USAGE}`);
    return 1;
  }
  if (values.help === true) {
    console.log(USAGE);
    return 0;
  }
  const file = values["from-state"];
  if (file === undefined || file === "") {
    console.error(`error: --from-state <terraform.tfstate> is required\n${USAGE}`);
    return 1;
  }
  const shown = displayPath(file);
  if (!existsSync(file)) {
    console.error(`error: ${shown}: file not found`);
    return 1;
  }
  try {
    const result = adoptionFromState(parseState(readFileSync(file, "utf8"), shown), shown, values.prefix === undefined ? {} : { prefix: values.prefix });
    process.stdout.write(result.block);
    if (result.unmatched.length > 0) console.error(`not adopted (${result.unmatched.length}):\n${result.unmatched.map((line) => `  ${line}`).join("\n")}`);
    return 0;
  } catch (error) {
    if (error instanceof StateFormatError || error instanceof AmbiguousStateError) {
      console.error(`error: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

/** Relative to the working directory when inside it; never an absolute machine path. */
function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), path.resolve(file));
  return relative.startsWith("..") || path.isAbsolute(relative) ? path.basename(file) : relative;
}

process.exitCode = main(process.argv.slice(2));
