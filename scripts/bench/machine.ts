import { cpus, loadavg, totalmem } from "node:os";

export interface MachineInfo {
  readonly date: string;
  readonly cpuModel: string;
  readonly cores: number;
  readonly memoryGib: number;
  readonly node: string;
  readonly load: string;
}

/** Where and when the figures were taken; the load matters on a shared machine. */
export function machineInfo(): MachineInfo {
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
    cpuModel: cpus()[0]?.model.trim() ?? "unknown",
    cores: cpus().length,
    memoryGib: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    load: currentLoad(),
  };
}

/** 1, 5 and 15 minute load averages. */
export function currentLoad(): string {
  return loadavg()
    .map((value) => value.toFixed(2))
    .join(" ");
}
