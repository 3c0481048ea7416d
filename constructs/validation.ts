import { Token } from "cdktf";
import { cidrProblem } from "../config/cidr";

/** Thrown by constructs whose props are invalid; names the construct, the prop, the value and what was expected. */
export class PropsError extends Error {
  constructor(constructPath: string, prop: string, value: unknown, expected: string) {
    super(`${constructPath}: ${prop} = ${JSON.stringify(value)}: ${expected}`);
    this.name = "PropsError";
  }
}

/** Token values (references resolved by Terraform) cannot be checked at synth time. */
export function isUnresolved(value: unknown): boolean {
  return typeof value === "string" ? Token.isUnresolved(value) : false;
}

export function requireMatch(path: string, prop: string, value: string, pattern: RegExp, expected: string): void {
  if (!isUnresolved(value) && !pattern.test(value)) throw new PropsError(path, prop, value, expected);
}

export function requireCidrs(path: string, prop: string, values: readonly string[], options: { nonEmpty?: boolean } = {}): void {
  if (options.nonEmpty === true && values.length === 0) throw new PropsError(path, prop, values, "expected at least one CIDR block");
  for (const value of values) {
    if (isUnresolved(value)) continue;
    const problem = cidrProblem(value);
    if (problem !== undefined) throw new PropsError(path, prop, value, problem);
  }
}

export function requireRange(path: string, prop: string, value: number, min: number, max: number): void {
  if (!Token.isUnresolved(value) && (!Number.isInteger(value) || value < min || value > max)) {
    throw new PropsError(path, prop, value, `expected an integer from ${min} to ${max}`);
  }
}

/** Lowercase, dash-separated resource names as DigitalOcean accepts them. */
export const RESOURCE_NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
