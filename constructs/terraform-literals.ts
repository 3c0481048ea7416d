import { App, TerraformBackend, TerraformElement, TerraformRemoteState, TerraformStack, Token, ref } from "cdktf";
import type { IConstruct } from "constructs";

/**
 * The one place where text becomes inert for Terraform.
 *
 * Terraform reads `${...}` and `%{...}` in every string of a configuration (JSON syntax
 * included, object keys included) as template code: a comment such as `${file("/etc/passwd")}`
 * would make `terraform plan` read files of the machine running it. `$${` and `%%{` are
 * Terraform's escapes for the two literal sequences.
 *
 * Where: every Terraform element (resource, data source, output, local, variable, provider,
 * backend, remote state) of a stack, as the stack turns it into JSON or HCL. At that point a
 * value written by code or read from the config is still a plain string, while every reference
 * (an attribute of another resource, a variable, a function call) is still a CDKTF token
 * marker (`${TfToken[TOKEN.n]}`) that CDKTF replaces with its expression only afterwards. So
 * the boundary escapes exactly the literal parts of every string and leaves references alone,
 * without a list of fields: a field added tomorrow is escaped like every other one. A
 * construct that needs a Terraform expression asks for it as a token (`terraformExpression`),
 * never by writing `${` into a string, which would be escaped.
 *
 * Text that is not a Terraform template (a rendered cloud-config, a wg0.conf) is therefore
 * passed to constructs as it is, and Terraform hands it to the provider byte for byte.
 *
 * Limit: a value produced lazily (cdktf `Lazy`, any IResolvable object) is computed after the
 * boundary and is not escaped; configuration text is never passed that way.
 */
export function escapeTerraformTemplate(literal: string): string {
  return literal.replace(/\$\{/g, () => "$${").replace(/%\{/g, () => "%%{");
}

/** CDKTF's encoding of a string token inside a string (see cdktf tokens/private/encoding). */
const STRING_TOKEN = /\$\{TfToken\[[A-Za-z0-9_.-]+\]\}/g;
/** Any CDKTF token encoding, string, list or map: never legitimate in a configured value. */
const ANY_TOKEN_MARKER = /[$#&]\{TfToken\[/;

/**
 * A string with its literal parts escaped and its token markers kept. A literal `$` right
 * before a reference would turn the pair into the `$${` escape and swallow the reference, so
 * it is written as the interpolation `${"$"}`.
 */
export function inertString(text: string): string {
  let result = "";
  let last = 0;
  for (const match of text.matchAll(STRING_TOKEN)) {
    const literal = escapeTerraformTemplate(text.slice(last, match.index));
    result += (literal.endsWith("$") ? `${literal.slice(0, -1)}\${"$"}` : literal) + match[0];
    last = match.index + match[0].length;
  }
  return result + escapeTerraformTemplate(text.slice(last));
}

/** Every string (object keys included) of a value escaped by `inertString`; tokens are kept. */
export function inertValue<T>(value: T): T {
  if (typeof value === "string") return inertString(value) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => inertValue(item)) as T;
  if (value === null || typeof value !== "object" || Token.isUnresolved(value) || !isPlainObject(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [inertString(key), inertValue(inner)])) as T;
}

function isPlainObject(value: object): boolean {
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

/** A Terraform expression (`path.module`, `var.x`) as a reference, so the boundary keeps it. */
export function terraformExpression(expression: string): string {
  return Token.asString(ref(expression));
}

const inertElements = new WeakSet<TerraformElement>();
const inertStacks = new WeakSet<TerraformStack>();

/**
 * Installs the boundary on every stack of the app: each stack, when it renders JSON or HCL
 * (synth, policies, review HCL, tests), first makes every element it holds inert, elements
 * CDKTF adds while preparing (cross-stack outputs and remote state) included.
 */
export function makeTerraformLiteralsInert(app: App): void {
  for (const stack of app.node.findAll().filter(TerraformStack.isStack)) makeStackLiteralsInert(stack);
}

export function makeStackLiteralsInert(stack: TerraformStack): void {
  if (inertStacks.has(stack)) return;
  inertStacks.add(stack);
  const toTerraform = stack.toTerraform.bind(stack);
  const toHclTerraform = stack.toHclTerraform.bind(stack);
  stack.toTerraform = () => {
    makeElementsInert(stack);
    return toTerraform();
  };
  stack.toHclTerraform = () => {
    makeElementsInert(stack);
    return toHclTerraform();
  };
}

/**
 * Two exceptions, both exact: a backend block, which Terraform reads without evaluating
 * anything (`$${` would stay doubled in a state path), and the `workspace =
 * "${terraform.workspace}"` expression CDKTF itself writes into every cross-stack remote state.
 */
export function makeElementsInert(stack: TerraformStack): void {
  for (const node of stack.node.findAll()) {
    if (!TerraformElement.isTerraformElement(node) || node instanceof TerraformBackend || inertElements.has(node)) continue;
    inertElements.add(node);
    const element: TerraformElement = node;
    const keep = element instanceof TerraformRemoteState ? keepCurrentWorkspace : (value: unknown) => value;
    const toTerraform = element.toTerraform.bind(element);
    const toHclTerraform = element.toHclTerraform.bind(element);
    element.toTerraform = () => keep(inertValue(toTerraform())) as ReturnType<TerraformElement["toTerraform"]>;
    element.toHclTerraform = () => keep(inertValue(toHclTerraform())) as ReturnType<TerraformElement["toHclTerraform"]>;
  }
}

const CURRENT_WORKSPACE = "${terraform.workspace}";

/** `{data: {terraform_remote_state: {<name>: {workspace}}}}`, JSON or HCL metadata form. */
function keepCurrentWorkspace(rendered: unknown): unknown {
  const states = (rendered as { data?: { terraform_remote_state?: Record<string, Record<string, unknown>> } }).data?.terraform_remote_state ?? {};
  for (const body of Object.values(states)) {
    const workspace = body.workspace;
    if (workspace === escapeTerraformTemplate(CURRENT_WORKSPACE)) body.workspace = CURRENT_WORKSPACE;
    else if (isRecord(workspace) && workspace.value === escapeTerraformTemplate(CURRENT_WORKSPACE)) workspace.value = CURRENT_WORKSPACE;
  }
  return rendered;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/**
 * Config values must not smuggle CDKTF token markers (`${TfToken[TOKEN.7]}`): CDKTF would
 * replace one with whatever reference the number stands for, e.g. a sensitive variable, before
 * the boundary could tell it from a real reference. The same holds for numbers that encode a
 * token. Returns the dotted path of the first offending value.
 */
export function tokenMarkerIn(value: unknown, path = ""): string | undefined {
  if (typeof value === "string") return ANY_TOKEN_MARKER.test(value) ? path : undefined;
  if (typeof value === "number") return Token.isUnresolved(value) ? path : undefined;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = tokenMarkerIn(item, `${path}[${index}]`);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (value !== null && typeof value === "object") {
    for (const [key, inner] of Object.entries(value)) {
      const found = tokenMarkerIn(key, path) ?? tokenMarkerIn(inner, path === "" ? key : `${path}.${key}`);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/** Whether a construct is covered: used by tests to prove every stack of the app is. */
export function hasInertLiterals(construct: IConstruct): boolean {
  return TerraformStack.isStack(construct) && inertStacks.has(construct);
}
