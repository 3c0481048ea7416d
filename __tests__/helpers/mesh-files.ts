import { resourcesOf, type TfJson } from "./synth";

/**
 * The wg0.conf a member's local_file holds once Terraform evaluates its content, read from the
 * synthesized JSON: the literal [Interface] followed by every section of `local.mesh_peers`
 * but the member's own, keys in code-unit order (as Terraform iterates a map). The text keeps
 * the JSON's form: references such as the droplet's address stay `${...}`, literal `${` stays
 * escaped. mesh-offline.test.ts proves this reading equal to what Terraform plans.
 * Throws on any other shape of content, so a change of the rendering fails loudly.
 */
export function evaluatedWg0(stack: TfJson, member: string): string {
  const file = Object.values(resourcesOf(stack, "local_file")).find((candidate) => candidate.filename === `\${path.module}/rendered/${member}/wg0.conf`);
  if (file === undefined) throw new Error(`no rendered wg0.conf for ${member}`);
  return evaluateWg0Content(stack, String(file.content));
}

/** Every rendered wg0.conf of the stack, filename -> evaluated content. */
export function evaluatedWg0Files(stack: TfJson): Map<string, string> {
  return new Map(Object.values(resourcesOf(stack, "local_file")).map((file) => [String(file.filename), evaluateWg0Content(stack, String(file.content))]));
}

const CONTENT = /^([^]*?)\$\{join\("", \[for name, section in local\.mesh_peers : section if name != "([a-z0-9-]+)"\]\)\}$/;

function evaluateWg0Content(stack: TfJson, content: string): string {
  const match = CONTENT.exec(content);
  if (match === null) throw new Error(`unexpected wg0.conf content: ${content.slice(0, 200)}`);
  const [, literal, member] = match as unknown as [string, string, string];
  if (/(?<!\$)\$\{/.test(literal)) throw new Error(`the [Interface] of ${member} holds an interpolation: ${literal}`);
  const sections = stack.locals?.mesh_peers as Record<string, string> | undefined;
  if (sections === undefined) throw new Error("no local.mesh_peers in the stack");
  const names = Object.keys(sections).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return literal + names.filter((name) => name !== member).map((name) => sections[name]).join("");
}
