import { cpSync, existsSync, mkdirSync, rmSync } from "node:fs";
import * as path from "node:path";
import type { App } from "cdktf";

/**
 * Synthesizes into a sibling staging directory and copies the result over `outdir` only when
 * everything succeeded, so an error while building or synthesizing leaves `outdir` untouched.
 * The staging directory sits at the same depth as `outdir`, so relative paths computed from
 * the app's outdir (the local backend's state path) are the same in both places.
 * Existing files in `outdir` that are not regenerated (e.g. `.terraform/`) are kept.
 */
export function synthesizeAtomically(outdir: string, build: (stagingOutdir: string) => App): App {
  const staging = path.join(path.dirname(outdir), `.${path.basename(outdir)}.staging`);
  rmSync(staging, { recursive: true, force: true });
  try {
    const app = build(staging);
    app.synth();
    mkdirSync(outdir, { recursive: true });
    cpSync(staging, outdir, { recursive: true, force: true });
    return app;
  } finally {
    if (existsSync(staging)) rmSync(staging, { recursive: true, force: true });
  }
}
