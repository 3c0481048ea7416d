import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { Config } from "../../config/config";
import { buildApp } from "../../stacks/app";
import { reviewOptionsFromConfig, type ReviewOptions } from "../../stacks/review-summary";
import { synthesizeAtomically } from "../../stacks/synthesize";

/** A project root that keeps its cdktf.out between syntheses, as a user's checkout does. */
export interface Project {
  readonly root: string;
  readonly outdir: string;
  /** Synthesizes `config` over the previous output and returns the review printed after it. */
  synth(config: Config, flags?: Pick<ReviewOptions, "allowReplace" | "forget">): string;
  /** A file of the current output, relative to cdktf.out. */
  read(relative: string): string;
}

export function newProject(): Project {
  const root = mkdtempSync(path.join(tmpdir(), "review-test-"));
  const outdir = path.join(root, "cdktf.out");
  return {
    root,
    outdir,
    synth: (config, flags = {}) =>
      synthesizeAtomically(outdir, (staging) => buildApp(config, { outdir: staging, projectRoot: root, onPolicyNotice: () => undefined }), {
        ...reviewOptionsFromConfig(config),
        ...flags,
      }).summary,
    read: (relative) => readFileSync(path.join(outdir, relative), "utf8"),
  };
}
