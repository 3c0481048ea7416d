import type { BuildOptions } from "esbuild";

export interface CachedBundleRequest {
  /** Directory the entry and every input path are relative to. */
  readonly root: string;
  readonly entry: string;
  readonly outfile: string;
  /** esbuild options besides entry, outfile, bundling and logging. */
  readonly options: BuildOptions;
}

/** Bundles unless the stamp beside `outfile` shows no input changed; true when it built. */
export function bundleIfChanged(request: CachedBundleRequest): boolean;

/** Bundles `entry` (relative to the project root, dependencies external) into .build/<name>.js when a source changed, then runs it. */
export function runBundled(entry: string, name: string): void;
