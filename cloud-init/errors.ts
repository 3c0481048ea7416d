/** Thrown by cloud-init builders on invalid input: names the builder, the field, the value and what was expected. */
export class CloudInitInputError extends Error {
  constructor(builder: string, field: string, value: unknown, expected: string) {
    super(`${builder}: ${field} = ${JSON.stringify(value)}: ${expected}`);
    this.name = "CloudInitInputError";
  }
}
