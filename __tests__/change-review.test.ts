import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { PRICE_TABLE } from "../config/prices";
import { stackCost } from "../stacks/review/cost";
import { ReplacementRefusedError } from "../stacks/review/guard";
import { guardRetiredStacks, StackRetirementError } from "../stacks/review/retired-stacks";
import { WITH_EXTRA_PEER } from "./helpers/mesh-config";
import { newProject } from "./helpers/resynth";
import { configFrom, EXAMPLE_SOURCE, withSetting } from "./helpers/synth";

const DROPLET = /digitalocean_droplet\.[A-Za-z0-9_-]+/;

/** The review block of one stack. */
function blockOf(review: string, stack: string): string {
  const start = review.indexOf(`${stack}`);
  const next = review.slice(start).search(/\n[a-z]+-production/);
  return next < 0 ? review.slice(start) : review.slice(start, start + next);
}

describe("the synth review against the previous synthesis", () => {
  it("shows resizing the droplet as an update in place with the old and new size, and its cost change by the table's difference", async () => {
    const project = newProject();
    const first = project.synth(await configFrom(EXAMPLE_SOURCE));
    expect(blockOf(first, "main-production")).toContain(`  monthly:   $${PRICE_TABLE.dropletMonthly["s-2vcpu-4gb"]!.toFixed(2)} (droplet s-2vcpu-4gb`);
    expect(blockOf(first, "data-production")).toContain(`  monthly:   $${PRICE_TABLE.spacesSubscriptionMonthly.toFixed(2)} (Spaces subscription`);
    const review = project.synth(await configFrom(withSetting(EXAMPLE_SOURCE, "droplet_size", '"s-4vcpu-8gb"')));
    const main = blockOf(review, "main-production");
    expect(main).toMatch(new RegExp(`~   ${DROPLET.source}  updated in place\\n        size: "s-2vcpu-4gb" -> "s-4vcpu-8gb"\\n`));
    const difference = PRICE_TABLE.dropletMonthly["s-4vcpu-8gb"]! - PRICE_TABLE.dropletMonthly["s-2vcpu-4gb"]!;
    expect(main).toContain(`; +$${difference.toFixed(2)} since the last synthesis`);
    const total = PRICE_TABLE.dropletMonthly["s-4vcpu-8gb"]! + PRICE_TABLE.spacesSubscriptionMonthly;
    expect(review).toContain(`\nmonthly total: $${total.toFixed(2)}, +$${difference.toFixed(2)} since the last synthesis (2 items without a price, above)`);
  });

  it("prices backups as a share of the droplet, OVH servers from their config, and reports unknown sizes", async () => {
    const withPrices = withSetting(
      withSetting(EXAMPLE_SOURCE, "enable_backups", "true"),
      "droplet_size",
      '"s-9vcpu-99gb"',
    ).replace('    wireguard_public_key = "emYo', "    monthly_price_eur = 12.5\n    wireguard_public_key = \"emYo");
    const review = newProject().synth(await configFrom(withPrices));
    expect(blockOf(review, "main-production")).toContain('unknown price for size s-9vcpu-99gb (set prices = { "s-9vcpu-99gb" = <dollars a month> })');
    expect(blockOf(review, "hosts-production")).toContain("€12.50 (OVH core-prod €12.50)");
    expect(blockOf(review, "hosts-production")).toContain("unknown price for OVH server ai-lab");
    const overridden = newProject().synth(await configFrom(withSetting(withPrices, "prices", '{ "s-9vcpu-99gb" = 100 }')));
    expect(blockOf(overridden, "main-production")).toContain(`  monthly:   $${(100 * (1 + PRICE_TABLE.backupsShare.daily)).toFixed(2)} (droplet s-9vcpu-99gb $100.00, daily backups $${(100 * PRICE_TABLE.backupsShare.daily).toFixed(2)})`);
  });

  it("refuses to replace the droplet (region), writing nothing, and passes with --allow-replace or a config reason", async () => {
    const project = newProject();
    project.synth(await configFrom(withSetting(EXAMPLE_SOURCE, "create_spaces", "false")));
    const before = project.read("stacks/main-production/cdk.tf.json");
    const moved = withSetting(withSetting(EXAMPLE_SOURCE, "create_spaces", "false"), "region", '"ams3"');
    let refusal: unknown;
    try {
      project.synth(await configFrom(moved));
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(ReplacementRefusedError);
    const message = String((refusal as Error).message);
    expect(message).toMatch(new RegExp(`main-production: ${DROPLET.source} would be REPLACED, forced by region: "fra1" -> "ams3"`));
    expect(message).toMatch(new RegExp(`npm run synth -- --allow-replace ${DROPLET.source}`));
    expect(project.read("stacks/main-production/cdk.tf.json")).toBe(before);

    const droplet = DROPLET.exec(message)![0];
    const vpc = /digitalocean_vpc\.[A-Za-z0-9_-]+/.exec(message)![0];
    const review = project.synth(await configFrom(moved), { allowReplace: [droplet, vpc] });
    expect(review).toContain(`-/+ ${droplet}  REPLACED, forced by region`);
    expect(review).toMatch(/then in edge-production, through this stack's outputs: cloudflare_dns_record\.\S+ \(content, in place\)/);
    expect(review).toContain(`note: confirmed: main-production: ${droplet} would be REPLACED`);

    const back = newProject();
    back.synth(await configFrom(moved));
    const reasoned = withSetting(withSetting(EXAMPLE_SOURCE, "create_spaces", "false"), "allow_replace", `{ "${droplet}" = "back to fra1, data backed up today", "${vpc}" = "back to fra1 with the droplet" }`);
    expect(back.synth(await configFrom(reasoned))).toContain("(allow_replace: back to fra1, data backed up today)");
  });

  it("refuses a new droplet image the same way, naming image as the forcing argument, and passes with --allow-replace", async () => {
    const project = newProject();
    project.synth(await configFrom(EXAMPLE_SOURCE));
    const rebuilt = withSetting(EXAMPLE_SOURCE, "droplet_image", '"debian-12-x64"');
    let refusal: unknown;
    try {
      project.synth(await configFrom(rebuilt));
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(ReplacementRefusedError);
    expect(String((refusal as Error).message)).toContain('main-production: digitalocean_droplet.app would be REPLACED, forced by image: "ubuntu-24-04-x64" -> "debian-12-x64"');
    expect(project.synth(await configFrom(rebuilt), { allowReplace: ["digitalocean_droplet.app"] })).toContain("-/+ digitalocean_droplet.app  REPLACED, forced by image");
  });

  it("shows a new mesh peer as its [Peer] section added to local.mesh_peers, and names each existing member's wg0.conf and sync it replaces", async () => {
    const project = newProject();
    project.synth(await configFrom(EXAMPLE_SOURCE));
    const hosts = blockOf(project.synth(await configFrom(WITH_EXTRA_PEER)), "hosts-production");
    expect(hosts).toContain("  changes:   5 to add, 0 to update in place, 6 to REPLACE, 0 to remove; 1 local value changed\n");
    expect(hosts).toContain(
      [
        "    ~   local.mesh_peers  changed (read by the resources below that follow it)",
        '        ["edge-lab"]: added',
        "          @@ -1,1 +1,8 @@",
        "           ",
        "          +[Peer]",
        "          +# edge-lab",
        "          +PublicKey = YOY0Rb5cQHGGXeqjG1vKfRlVmxm6sTUOtc7PCZkhNU4=",
        "          +AllowedIPs = 10.8.0.4/32",
        "          +Endpoint = 198.51.100.40:51820",
        "          +PersistentKeepalive = 25",
      ].join("\n"),
    );
    for (const member of ["ai_lab", "app", "core_prod"]) {
      expect(hosts).toMatch(new RegExp(`-/\\+ local_file\\.wg0_${member}  REPLACED, forced by content\\n        content: .* \\(follows local\\.mesh_peers; forces replacement\\)\\n`));
      expect(hosts).toMatch(new RegExp(`-/\\+ null_resource\\.mesh_sync_${member}  REPLACED, forced by triggers\\n        triggers: .* \\(follows local_file\\.wg0_${member}; forces replacement\\)\\n`));
    }
  });

  it("follows the droplet's address into the other members' wg0.conf through local.mesh_peers, not into the droplet's own", async () => {
    const project = newProject();
    project.synth(await configFrom(EXAMPLE_SOURCE));
    const review = project.synth(await configFrom(withSetting(EXAMPLE_SOURCE, "droplet_image", '"debian-12-x64"')), { allowReplace: ["digitalocean_droplet.app"] });
    const effects = /then in hosts-production, through this stack's outputs: (.*)\n/.exec(blockOf(review, "main-production"))?.[1];
    expect(effects?.split(/, (?=[a-z_]+\.)/)).toEqual(["local_file.wg0_ai_lab (content, REPLACED)", "local_file.wg0_core_prod (content, REPLACED)", "null_resource.mesh_sync_app (triggers, REPLACED)"]);
  });

  it("treats removing the domain like replacing it", async () => {
    const project = newProject();
    project.synth(await configFrom(EXAMPLE_SOURCE));
    await expect(async () => project.synth(await configFrom(withSetting(EXAMPLE_SOURCE, "manage_domain", "false")))).rejects.toThrow(/digitalocean_domain\.\S+ would be REMOVED/);
  });
});

describe("retiring a stack", () => {
  const withoutSpaces = withSetting(EXAMPLE_SOURCE, "create_spaces", "false");
  const holdingState = (root: string) =>
    writeFileSync(
      path.join(root, "terraform.data-production.tfstate"),
      JSON.stringify({ version: 4, resources: [{ mode: "managed", type: "digitalocean_spaces_bucket", name: "b", instances: [{ attributes: {} }] }] }),
    );

  it("fails with the retire instructions while the dropped stack's state holds resources, and passes with --forget", async () => {
    const project = newProject();
    project.synth(await configFrom(EXAMPLE_SOURCE));
    holdingState(project.root);
    const config = await configFrom(withoutSpaces);
    expect(() => project.synth(config)).toThrow(StackRetirementError);
    expect(() => project.synth(config)).toThrow(
      [
        "data-production was synthesized before and is no longer produced, but Terraform still manages resources there:",
        "  data-production: 1 resources in " + path.relative(process.cwd(), path.join(project.root, "terraform.data-production.tfstate")),
        "They keep running, and costing money, with nothing left to change or remove them. Either retire the stack first:",
        "  npm run destroy -- data-production    (destroys its resources; what holds data refuses until you confirm)",
        "then synthesize again; or stop managing it and leave its resources as they are:",
        "  npm run synth -- --forget data-production",
      ].join("\n"),
    );
    expect(project.synth(config, { forget: ["data-production"] })).toContain("note: data-production is no longer synthesized and was forgotten (--forget)");
    // The next synthesis no longer knows the stack: it is not asked for again.
    expect(() => project.synth(config)).not.toThrow();
  });

  it("asks for --forget when the dropped stack's state is remote, since the synth cannot read it", () => {
    const outdir = path.join(mkdtempSync(path.join(tmpdir(), "retire-")), "cdktf.out");
    mkdirSync(path.join(outdir, "stacks", "data-production"), { recursive: true });
    writeFileSync(path.join(outdir, "manifest.json"), JSON.stringify({ stacks: { "main-production": {}, "data-production": {} } }));
    writeFileSync(path.join(outdir, "stacks", "data-production", "cdk.tf.json"), JSON.stringify({ terraform: { backend: { s3: { bucket: "b", key: "data-production/terraform.tfstate" } } } }));
    expect(() => guardRetiredStacks(outdir, ["main-production"], [])).toThrow("  data-production: state in the s3 backend (remote: the synth cannot check what it holds)\n");
    expect(guardRetiredStacks(outdir, ["main-production"], ["data-production"])).toEqual([
      "data-production is no longer synthesized and was forgotten (--forget): its resources are no longer managed by this project",
    ]);
  });

  it("lets a stack go without a word of refusal when its state holds nothing", async () => {
    const project = newProject();
    project.synth(await configFrom(EXAMPLE_SOURCE));
    expect(existsSync(path.join(project.root, "terraform.data-production.tfstate"))).toBe(false);
    expect(project.synth(await configFrom(withoutSpaces))).toContain("note: data-production is no longer synthesized; its state holds no resources");
  });
});

describe("backups in the cost", () => {
  it("cost 20% of the droplet with a weekly backup_policy, 30% without one (the provider's default is daily)", () => {
    const droplet = (extra: Record<string, unknown>) => ({ resource: { digitalocean_droplet: { app: { size: "s-2vcpu-4gb", backups: true, ...extra } } } });
    const price = PRICE_TABLE.dropletMonthly["s-2vcpu-4gb"]!;
    expect(stackCost(droplet({ backup_policy: [{ plan: "weekly" }] }), {}, false).total.usd).toBe(Math.round(price * 100 * (1 + PRICE_TABLE.backupsShare.weekly)));
    expect(stackCost(droplet({}), {}, false).total.usd).toBe(Math.round(price * 100 * (1 + PRICE_TABLE.backupsShare.daily)));
    expect(stackCost(droplet({ backups: false }), {}, false).total.usd).toBe(price * 100);
  });
});
