import type { App } from "cdktf";
import { ConfigError } from "./config/errors";
import { loadConfigFile, resolveConfigFile } from "./config/load";
import { PolicyError } from "./constructs/policy/report";
import { PropsError } from "./constructs/validation";
import { adoptionNotes } from "./stacks/adoption";
import { buildApp, stackName } from "./stacks/app";
import { synthesizeAtomically, synthesizeWithReviewHcl } from "./stacks/synthesize";

const USAGE = "usage: npm run synth [-- --config <file.tfvars>] [--hcl] [--quiet]   (or INFRA_CONFIG=<file> cdktf synth)";

/**
 * Entry point for `cdktf synth` and `npm run synth`: load and validate the config first, so
 * that a bad config writes nothing, then synthesize every stack.
 */
async function main(argv: readonly string[]): Promise<void> {
  const configFlag = argv.indexOf("--config");
  if (argv.includes("--help")) {
    console.log(USAGE);
    return;
  }
  if (configFlag >= 0 && argv[configFlag + 1] === undefined) throw new UsageError("--config needs a file name");
  const explicit = configFlag >= 0 ? argv[configFlag + 1] : undefined;
  const cwd = process.cwd();
  const { config, file } = await loadConfigFile(resolveConfigFile(cwd, explicit), cwd);
  const outdir = process.env.CDKTF_OUTDIR || "cdktf.out";
  // `cdktf synth --hcl` sets SYNTH_HCL_OUTPUT: HCL then replaces the JSON in the stack directories.
  const hclInStackDirs = process.env.SYNTH_HCL_OUTPUT === "true";
  const withHcl = argv.includes("--hcl") || hclInStackDirs;
  const build = (stagingOutdir: string): App => buildApp(config, { outdir: stagingOutdir, hclOutput: hclInStackDirs });
  const report = withHcl ? await synthesizeWithReviewHcl(outdir, build) : synthesizeAtomically(outdir, build);
  console.log(`synthesized ${report.stackNames.join(", ")} from ${file} into ${outdir}`);
  if (!argv.includes("--quiet")) console.log(`\n${report.summary}`);
  const notes = adoptionNotes(config);
  if (notes.length > 0) console.log(`\nadoption (docs/adopting.md):\n${notes.map((note) => `  ${stackName(note.stack, config)}: ${note.text}`).join("\n")}`);
}

class UsageError extends Error {}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof PropsError || error instanceof PolicyError || error instanceof UsageError) {
    console.error(`error: ${error.message}`);
    if (error instanceof UsageError) console.error(USAGE);
    console.error("nothing was written.");
    process.exit(1);
  }
  console.error(error);
  process.exit(2);
});
