import { rmSync } from "node:fs";
import * as path from "node:path";
import { measure } from "./measure";
import { countOutput } from "./output-counts";
import type { ScalingChildReport, ScalingRunReport, ScalingSubject } from "./scaling-main";
import { summarize, type Summary } from "./stats";

export interface ScalingPoint {
  readonly report: ScalingRunReport;
  readonly wall: Summary;
  readonly cpu: Summary;
  readonly peak: Summary;
  readonly synth: Summary;
  readonly synthCpu: Summary;
}

export interface ScalingPlan {
  readonly meshStyle: ScalingSubject;
  readonly sizes: readonly number[];
  /** Repetitions per size; large sizes are run fewer times to keep the bench short. */
  readonly repetitions: (hosts: number) => number;
}

/**
 * Runs the scaling child (`.build/bench/scaling-main.js`, built by run.js) for each size in its own
 * process, so each size's peak memory is its own, with the V8 flags the app runs with
 * (`--max-semi-space-size=2` from package.json, `--liftoff-only` from run-app.js). The output is
 * counted here, after the child has ended.
 */
export async function measureScaling(root: string, plan: ScalingPlan, log: (line: string) => void): Promise<ScalingPoint[]> {
  const script = path.join(root, ".build", "bench", "scaling-main.js");
  const points: ScalingPoint[] = [];
  for (const hosts of plan.sizes) {
    const runs = [];
    for (let repetition = 0; repetition < plan.repetitions(hosts); repetition++) {
      const result = await measure(process.execPath, ["--liftoff-only", "--max-semi-space-size=2", script, String(hosts), plan.meshStyle, root], { cwd: root, env: process.env });
      if (result.exitCode !== 0) throw new Error(`scaling run with ${hosts} hosts failed:\n${result.outputTail}`);
      const lastLine = result.outputTail.trim().split("\n").pop() ?? "";
      const { outdir, ...child } = JSON.parse(lastLine) as ScalingChildReport;
      try {
        const report: ScalingRunReport = { ...child, ...countOutput(outdir) };
        runs.push({ result, report });
      } finally {
        rmSync(path.dirname(outdir), { recursive: true, force: true });
      }
    }
    const first = runs[0];
    if (first === undefined) continue;
    points.push({
      report: first.report,
      wall: summarize(runs.map((run) => run.result.wallMs)),
      cpu: summarize(runs.map((run) => run.result.cpuMs)),
      peak: summarize(runs.map((run) => run.result.treePeakMb)),
      synth: summarize(runs.map((run) => run.report.buildMs + run.report.synthMs)),
      synthCpu: summarize(runs.map((run) => run.report.buildSynthCpuMs)),
    });
    log(`scaling (${plan.meshStyle} mesh): ${hosts} hosts done`);
  }
  return points;
}
