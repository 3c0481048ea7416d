import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { ConfigError } from "../../config/errors";
import { parseConfigSource } from "../../config/load";
import { PolicyError } from "../../constructs/policy/report";
import { buildApp } from "../../stacks/app";
import { synthesizeAtomically } from "../../stacks/synthesize";
import { REPO_ROOT } from "./synth";

export const BAD_DIR = path.join(REPO_ROOT, "__tests__", "fixtures", "bad");

/** One refused input: `<name>.tfvars` and `<name>.expected`, the exact stderr of `npm run synth`. */
export interface CorpusCase {
  readonly name: string;
  /** First line of the fixture: `# bad input: <what is wrong>`. */
  readonly description: string;
  readonly source: string;
  readonly expected: string;
}

export function corpusCases(): CorpusCase[] {
  return readdirSync(BAD_DIR)
    .filter((file) => file.endsWith(".tfvars"))
    .sort()
    .map((file) => {
      const name = file.replace(/\.tfvars$/, "");
      const source = readFileSync(path.join(BAD_DIR, file), "utf8");
      const description = /^# bad input: (.+)$/m.exec(source)?.[1] ?? "";
      return { name, description, source, expected: readFileSync(path.join(BAD_DIR, `${name}.expected`), "utf8") };
    });
}

export interface InProcessOutcome {
  /** What main.ts prints on stderr for this input (`error: ...` then `nothing was written.`), or undefined when it passes. */
  readonly stderr?: string;
  /** The thrown error's class: ConfigError (loader) or PolicyError (synth). */
  readonly errorClass?: string;
  /** Whether any output directory was written. */
  readonly written: boolean;
}

/**
 * Loads the source as terraform.tfvars and, when it is valid, synthesizes the real app
 * atomically into a fresh directory: the same two steps main.ts takes, without a process.
 */
export async function runInProcess(source: string): Promise<InProcessOutcome> {
  const root = mkdtempSync(path.join(tmpdir(), "corpus-"));
  const outdir = path.join(root, "cdktf.out");
  try {
    const config = await parseConfigSource(source, "terraform.tfvars");
    synthesizeAtomically(outdir, (staging) => buildApp(config, { outdir: staging, projectRoot: root, onPolicyNotice: () => {} }));
    return { written: existsSync(outdir) };
  } catch (error) {
    if (!(error instanceof ConfigError || error instanceof PolicyError)) throw error;
    return { stderr: `error: ${error.message}\nnothing was written.\n`, errorClass: error.name, written: existsSync(outdir) || existsSync(root + "/.cdktf.out.staging") };
  }
}
