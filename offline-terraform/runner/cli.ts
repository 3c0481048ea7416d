import { existsSync } from "node:fs";
import * as path from "node:path";
import { buildEmulatorHome, DEFAULT_HOME } from "../emulator-home";
import { runOffline, type Command } from "./offline-run";

/**
 * `npm run tf:validate | tf:plan | deploy:local`: real Terraform core over every stack in
 * cdktf.out, providers emulated offline. Exit 1 when any step fails.
 */
function main(command: string | undefined): number {
  if (command !== "validate" && command !== "plan" && command !== "deploy") {
    console.error("usage: node .build/offline-terraform.js validate|plan|deploy");
    return 2;
  }
  const projectRoot = process.cwd();
  const outdir = path.resolve(projectRoot, process.env.CDKTF_OUTDIR || "cdktf.out");
  if (!existsSync(path.join(outdir, "manifest.json"))) {
    console.error(`error: ${path.relative(projectRoot, outdir)}/manifest.json not found: run npm run synth first`);
    return 1;
  }
  const started = Date.now();
  const emulator = buildEmulatorHome();
  console.log(`emulator ready (${Object.entries(emulator.providers).map(([source, version]) => `${source} ${version}`).join(", ")}) in ${((Date.now() - started) / 1000).toFixed(2)} s`);
  const reports = runOffline(command as Command, {
    projectRoot,
    outdir,
    workRoot: path.join(DEFAULT_HOME, "work", command),
    emulator,
    log: (line) => console.log(line),
  });
  const failed = reports.filter((report) => !report.ok);
  const seconds = (Date.now() - started) / 1000;
  console.log(`${failed.length === 0 ? "ok" : "FAILED"}: ${reports.length} terraform steps in ${seconds.toFixed(1)} s`);
  return failed.length === 0 && reports.length > 0 ? 0 : 1;
}

process.exitCode = main(process.argv[2]);
