import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { Config } from "../config/config";
import { escapeTerraformTemplate, inertString } from "../constructs/terraform-literals";
import { buildApp } from "../stacks/app";
import { exampleConfig, synthApp, type SynthResult } from "./helpers/synth";
import { cleanUpTerraformRuns, describeWithTerraform } from "./helpers/terraform";
import { planJsonOfEveryStack, type PlanJson } from "./helpers/terraform-plan-json";
import { FREE_TEXT_KEYS, hostile, markerOf, show, stringPaths, withHostileValues, withValue, type ConfigPath } from "./helpers/hostile";

/** Strings in order of appearance in a JSON value (object keys excluded). */
function stringsIn(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (value !== null && typeof value === "object") return Object.values(value).flatMap(stringsIn);
  return [];
}

/** What Terraform makes of a string without references: `$${` is `${`, `%%{` is `%{`. */
function terraformLiteral(text: string): string | undefined {
  const withoutEscapes = text.replace(/\$\$\{|%%\{/g, "");
  if (/\$\{|%\{/.test(withoutEscapes)) return undefined; // holds a reference: not a literal
  return text.replace(/\$\$\{/g, "${").replace(/%%\{/g, "%{");
}

/** Resource bodies and output values of a stack's cdk.tf.json: what Terraform evaluates into the plan. */
function evaluatedStrings(stack: { resource?: Record<string, Record<string, Record<string, unknown>>>; output?: Record<string, { value: unknown }> }): string[] {
  const bodies = Object.values(stack.resource ?? {}).flatMap((byName) =>
    Object.values(byName).map(({ ["//"]: _m, lifecycle: _l, provisioner: _p, connection: _c, depends_on: _d, provider: _v, ...rest }) => rest),
  );
  return [...stringsIn(bodies), ...stringsIn(Object.values(stack.output ?? {}).map((output) => output.value))];
}

function plannedStrings(plan: PlanJson): string[] {
  return [
    ...stringsIn((plan.planned_values.root_module.resources ?? []).map((resource) => resource.values)),
    ...stringsIn(Object.values(plan.planned_values.outputs ?? {}).map((output) => output.value)),
  ];
}

describe("the escaping boundary", () => {
  it("escapes the literal parts of a string and keeps CDKTF references", () => {
    const reference = "${TfToken[TOKEN.42]}";
    expect(escapeTerraformTemplate('a ${b} %{c} $${d}')).toBe('a $${b} %%{c} $$${d}');
    expect(inertString(`x \${y} ${reference} %{z}`)).toBe(`x $\${y} ${reference} %%{z}`);
    // A `$` right before a reference would make `$${`, Terraform's escape, and swallow it.
    expect(inertString(`cost$${reference}`)).toBe(`cost\${"$"}${reference}`);
  });

  it("refuses a CDKTF token marker planted in the config, which CDKTF would resolve as a reference", async () => {
    const config = await exampleConfig();
    const outdir = path.join(mkdtempSync(path.join(tmpdir(), "token-marker-")), "cdktf.out");
    expect(() => buildApp(withValue(config, ["hosts", 0, "role"], "x ${TfToken[TOKEN.1]}"), { outdir })).toThrow(/^hosts\[0\]\.role: a CDKTF token marker/);
  });
});

/**
 * Config keys whose hostile value a construct or policy refuses at synth (names, addresses,
 * ids, slugs, enumerations: their own validation admits no `${`). The config validator refuses
 * most of them earlier; here Config objects are built directly to reach the constructs.
 */
const REFUSED_AT_SYNTH: readonly string[] = [
  "projectName", "environment", "vpcCidr", "dropletSize", "sshPublicKey", "allowedSshIps[0]", "allowedSshIps[1]", "domainName", "deployUser",
  "hosts[0].name", "hosts[0].provider", "hosts[0].os", "hosts[0].publicIpv4", "hosts[0].intrusionPrevention", "hosts[0].sshHostKey", "hosts[0].mesh.address", "hosts[0].mesh.publicKey",
  "hosts[1].name", "hosts[1].provider", "hosts[1].intrusionPrevention", "hosts[1].sshHostKey", "hosts[1].mesh.address", "hosts[1].mesh.publicKey",
  "hosts[2].name", "hosts[2].provider", "hosts[2].os", "hosts[2].publicIpv4", "hosts[2].publicIpv6",
  "hosts[2].ufwAllow[0].protocol", "hosts[2].ufwAllow[0].comment", "hosts[2].ufwAllow[1].protocol", "hosts[2].ufwAllow[1].comment",
  "hosts[2].ufwAllow[2].protocol", "hosts[2].ufwAllow[2].comment", "hosts[2].ufwAllow[3].protocol", "hosts[2].ufwAllow[3].comment",
  "hosts[2].ufwAllow[4].protocol", "hosts[2].ufwAllow[4].comment", "hosts[2].intrusionPrevention", "hosts[2].sshHostKey", "hosts[2].mesh.address", "hosts[2].mesh.publicKey",
  "mesh.cidr", "cloudflare.accountId", "cloudflare.zones[0].name", "cloudflare.zones[1].name", "cloudflare.zones[1].id",
  "cloudflare.records[0].name", "cloudflare.records[0].zone", "cloudflare.records[0].target.host",
  "cloudflare.records[1].name", "cloudflare.records[1].zone", "cloudflare.records[1].target.host",
  "cloudflare.records[2].name", "cloudflare.records[2].zone", "cloudflare.records[2].target.kind", "cloudflare.records[2].target.host",
  "cloudflare.records[3].name", "cloudflare.records[3].zone", "cloudflare.records[3].target.host",
  "cloudflare.records[4].name", "cloudflare.records[4].zone", "cloudflare.records[4].target.kind", "cloudflare.records[4].target.name",
  "cloudflare.tunnel.host", "cloudflare.tunnel.ingress[0].hostname", "cloudflare.tunnel.ingress[0].service", "cloudflare.tunnel.ingress[0].zone",
  "cloudflare.tunnel.ingress[1].hostname", "cloudflare.tunnel.ingress[1].service", "cloudflare.tunnel.ingress[1].zone",
];
/**
 * Config keys that steer the synth but are never written into a Terraform file: a host's role
 * (documentation), the droplet's os (its image decides), the backend choice, a record's target kind.
 */
const NOT_WRITTEN: readonly string[] = [
  "stateBackend", "hosts[0].role", "hosts[1].role", "hosts[1].os", "hosts[2].role",
  "cloudflare.records[0].target.kind", "cloudflare.records[1].target.kind", "cloudflare.records[3].target.kind",
];

/** Plants a hostile value into each string key alone and sorts the keys by what the synth did with it. */
function classify(base: Config): { refused: string[]; notWritten: string[]; accepted: ConfigPath[] } {
  const refused: string[] = [];
  const notWritten: string[] = [];
  const accepted: ConfigPath[] = [];
  for (const at of stringPaths(base)) {
    let result: SynthResult;
    try {
      result = synthApp(withValue(base, at, hostile(markerOf(at))));
    } catch {
      refused.push(show(at));
      continue;
    }
    // Case-insensitive: DigitalOcean tags are lowercased on the way.
    const written = [...result.files].some(([file, content]) => file.endsWith("cdk.tf.json") && content.toLowerCase().includes(markerOf(at).toLowerCase()));
    rmSync(result.root, { recursive: true, force: true });
    if (written) accepted.push(at);
    else notWritten.push(show(at));
  }
  return { refused, notWritten, accepted };
}

describeWithTerraform("hostile values in every string of the config reach Terraform as literals", () => {
  let base: Config;
  let classes: ReturnType<typeof classify>;
  let synth: SynthResult | undefined;

  beforeAll(async () => {
    base = await exampleConfig();
    classes = classify(base);
  });

  afterAll(() => cleanUpTerraformRuns([synth]));

  it("sorts every string key: refused at synth, written, or steering only", () => {
    expect(classes.refused).toEqual(REFUSED_AT_SYNTH);
    expect(classes.notWritten).toEqual(NOT_WRITTEN);
    // The review HCL test plants hostile values into these keys.
    expect(classes.accepted.map(show)).toEqual(FREE_TEXT_KEYS.map(show));
  });

  it("plans every stack with all accepted hostile values at once; every planned literal equals its input", () => {
    const accepted = classes.accepted;
    const planted = withHostileValues(base, accepted);
    synth = synthApp(planted);
    const plans = planJsonOfEveryStack(synth);
    const planned = Object.values(plans).flatMap(plannedStrings);
    const plannedSet = new Set(planned);
    // Nothing was evaluated: every literal string of every resource and output is planned as written.
    const literals = Object.values(synth.stacks).flatMap(evaluatedStrings).flatMap((text) => terraformLiteral(text) ?? []);
    expect(literals.filter((literal) => !plannedSet.has(literal))).toEqual([]);
    expect(planned.filter((text) => /root:.*:0:0:/.test(text))).toEqual([]);
    // Each planted value reaches a planned value.
    for (const at of [...accepted, ["commonTags key"]]) {
      const value = hostile(markerOf(at)).toLowerCase();
      const reached = planned.some((text) => text.toLowerCase().includes(value));
      expect({ key: show(at), reached }).toEqual({ key: show(at), reached: true });
    }
  });
});
