import fc from "fast-check";
import { ARGUMENT_CHANGES, META_ARGUMENTS } from "../constructs/force-new-attributes";
import { diffStacks, renderStackSummary } from "../stacks/review-summary";
import { planStack } from "../stacks/review/plan";
import { renderPlan, showValue } from "../stacks/review/render-plan";
import { unifiedDiff } from "../stacks/review/text-diff";
import type { TerraformJson } from "../stacks/terraform-json";
import { configFrom, EXAMPLE_SOURCE, synthApp, withSetting } from "./helpers/synth";

const stack = (resources: Record<string, Record<string, Record<string, unknown>>>): TerraformJson => ({ resource: resources });

describe("stack diff", () => {
  it("reports added, removed and changed addresses, ignoring key order and CDKTF metadata", () => {
    const before = stack({ t: { a: { x: 1, y: 2 }, b: { x: 1 }, c: { x: 1 } } });
    const after = stack({ t: { a: { y: 2, x: 1, "//": { metadata: 1 } }, b: { x: 2 }, d: { x: 1 } } });
    expect(diffStacks(before, after)).toEqual({ added: ["t.d"], removed: ["t.c"], changed: ["t.b"] });
  });

  it("treats every resource as added on a first synthesis", () => {
    expect(diffStacks(undefined, stack({ t: { a: {} } }))).toEqual({ added: ["t.a"], removed: [], changed: [] });
  });

  it("summarizes counts, outputs and variables", () => {
    const next: TerraformJson = {
      resource: { digitalocean_record: { a: {}, b: {} } },
      output: { ip: { value: 1 }, secret: { value: 2, sensitive: true }, "cross-stack-output-x": { value: 3 } },
      variable: { do_token: { sensitive: true }, region: {} },
    };
    expect(renderStackSummary("main-dev", next, [])).toBe(
      ["main-dev: 2 resources", "    2  digitalocean_record", "  outputs:   ip, secret (sensitive)", "  variables: TF_VAR_do_token (secret), region"].join("\n"),
    );
  });
});

describe("the force-new table", () => {
  it("classifies every argument every synthesized resource sets (example, backups off and on, no IPv6)", async () => {
    const variants = [EXAMPLE_SOURCE, withSetting(EXAMPLE_SOURCE, "enable_backups", "true"), withSetting(EXAMPLE_SOURCE, "enable_ipv6", "false")];
    const unclassified = new Set<string>();
    for (const source of variants) {
      for (const json of Object.values(synthApp(await configFrom(source)).stacks)) {
        for (const [type, byName] of Object.entries(json.resource ?? {})) {
          for (const body of Object.values(byName)) {
            for (const argument of Object.keys(body).filter((key) => key !== "//" && !META_ARGUMENTS.includes(key))) {
              if (ARGUMENT_CHANGES[type]?.[argument] === undefined) unclassified.add(`${type}.${argument}`);
            }
          }
        }
      }
    }
    expect([...unclassified]).toEqual([]);
  });
});

describe("the plan of one stack", () => {
  const droplet = (extra: Record<string, unknown>) => ({
    digitalocean_ssh_key: { key: { name: "k", public_key: "ssh-ed25519 AAAA old" } },
    digitalocean_droplet: { app: { size: "s-1vcpu-1gb", region: "fra1", ssh_keys: ["${digitalocean_ssh_key.key.fingerprint}"], ...extra } },
  });

  it("updates in place what the provider updates, and names the argument that forces a replacement", () => {
    const plan = planStack("main", stack(droplet({})), stack({ ...droplet({ size: "s-2vcpu-2gb", region: "ams3" }) }));
    const app = plan.resources.find((resource) => resource.address === "digitalocean_droplet.app");
    expect(app?.action).toBe("replace");
    expect(app?.forcedBy).toEqual(["region"]);
    expect(app?.changes.map((change) => [change.path, change.effect])).toEqual([
      ["region", "replaces"],
      ["size", "in place"],
    ]);
  });

  it("follows references: a new SSH key replaces the droplet through ssh_keys, unless ssh_keys is ignored", () => {
    const rotated = (extra: Record<string, unknown>) => {
      const resources = droplet(extra);
      return stack({ ...resources, digitalocean_ssh_key: { key: { name: "k", public_key: "ssh-ed25519 AAAA new" } } });
    };
    const replaced = planStack("main", stack(droplet({})), rotated({}));
    expect(replaced.resources.map((resource) => [resource.address, resource.action, resource.forcedBy])).toEqual([
      ["digitalocean_droplet.app", "replace", ["ssh_keys"]],
      ["digitalocean_ssh_key.key", "replace", ["public_key"]],
    ]);
    const ignoring = { lifecycle: { ignore_changes: ["ssh_keys"] } };
    const kept = planStack("main", stack(droplet(ignoring)), rotated(ignoring));
    expect(kept.resources.find((resource) => resource.address === "digitalocean_droplet.app")?.action).toBe("no-op");
  });

  it("shows user data ignored by lifecycle as a diff of the cloud-config, never as a replacement", () => {
    const ignoring = { lifecycle: { ignore_changes: ["user_data"] } };
    const plan = planStack("main", stack(droplet({ ...ignoring, user_data: "#cloud-config\nusers:\n  - name: deploy\n" })), stack(droplet({ ...ignoring, user_data: "#cloud-config\nusers:\n  - name: ops\n" })));
    expect(plan.resources[0]?.action).toBe("no-op");
    expect(renderPlan(plan, [])).toEqual([
      "  changes:   0 to add, 0 to update in place, 0 to REPLACE, 0 to remove, 1 with no change to the object",
      "    =   digitalocean_droplet.app  no change to the object",
      "        user_data: changed   (ignored by lifecycle: takes effect only on rebuild)",
      "          @@ -1,4 +1,4 @@",
      "           #cloud-config",
      "           users:",
      "          -  - name: deploy",
      "          +  - name: ops",
      "           ",
    ]);
  });

  it("turning IPv6 on updates the droplet in place, turning it off replaces it", () => {
    const on = planStack("main", stack(droplet({ ipv6: false })), stack(droplet({ ipv6: true })));
    const off = planStack("main", stack(droplet({ ipv6: true })), stack(droplet({ ipv6: false })));
    expect(on.resources[0]?.action).toBe("update");
    expect(off.resources[0]?.action).toBe("replace");
  });

  it("diffs lists of blocks element by element and lists of values as added and removed elements", () => {
    const before = stack({ digitalocean_firewall: { web: { inbound_rule: [{ port_range: "80" }, { port_range: "443" }], droplet_ids: ["a", "b"] } } });
    const after = stack({ digitalocean_firewall: { web: { inbound_rule: [{ port_range: "80" }, { port_range: "8443" }], droplet_ids: ["a", "c"] } } });
    expect(renderPlan(planStack("main", before, after), []).slice(1)).toEqual([
      "    ~   digitalocean_firewall.web  updated in place",
      '        droplet_ids: - "b"',
      '        droplet_ids: + "c"',
      '        inbound_rule[1].port_range: "443" -> "8443"',
    ]);
  });

  it("shows a removed resource as REMOVED", () => {
    const plan = planStack("edge", stack({ cloudflare_dns_record: { a: { name: "a" }, b: { name: "b" } } }), stack({ cloudflare_dns_record: { a: { name: "a" } } }));
    expect(renderPlan(plan, [])).toEqual(["  changes:   0 to add, 0 to update in place, 0 to REPLACE, 1 to remove", "    -   cloudflare_dns_record.b  REMOVED"]);
  });

  it("masks secrets and sensitive files, and shortens long values", () => {
    const privateKey = ["-----BEGIN", "OPENSSH PRIVATE KEY-----"].join(" ");
    expect(showValue(`${privateKey}\nabc`)).toBe("(sensitive)");
    expect(showValue("x".repeat(100))).toBe(`"${"x".repeat(40)}"... (100 characters)`);
    const plan = planStack("hosts", stack({ local_sensitive_file: { f: { content: "a\nb" } } }), stack({ local_sensitive_file: { f: { content: "a\nc" } } }));
    expect(renderPlan(plan, []).join("\n")).toContain("content: (sensitive) -> (sensitive)   (forces replacement)");
    expect(renderPlan(plan, []).join("\n")).not.toContain("a\\nc");
  });
});

describe("local values", () => {
  const peers = (sections: Record<string, string>) => ({ mesh_peers: sections });
  const files = {
    local_file: {
      wg0_a: { content: '[Interface]\n${join("", [for name, section in local.mesh_peers : section if name != "a"])}' },
      wg0_b: { content: '[Interface]\n${join("", [for name, section in local.mesh_peers : section if name != "b"])}' },
    },
    null_resource: { sync_a: { triggers: { sha: "${local_file.wg0_a.content_sha256}" } } },
    terraform_data: { reader: { input: "${local.title}" } },
  };
  const hosts = (locals: Record<string, unknown>): TerraformJson => ({ resource: files, locals });

  it("replace every resource reading a changed key of a map, and what follows them; a member's own section is skipped by its own file", () => {
    const plan = planStack("hosts", hosts(peers({ a: "\n[Peer]\n# a\n", b: "\n[Peer]\n# b\n" })), hosts(peers({ a: "\n[Peer]\n# a\nKey = new\n", b: "\n[Peer]\n# b\n" })));
    expect(plan.resources.map((resource) => [resource.address, resource.action, resource.changes[0]?.through])).toEqual([["local_file.wg0_b", "replace", "local.mesh_peers"]]);
    const added = planStack("hosts", hosts(peers({ a: "\n[Peer]\n# a\n" })), hosts(peers({ a: "\n[Peer]\n# a\n", c: "\n[Peer]\n# c\n" })));
    expect(added.resources.map((resource) => [resource.address, resource.action, resource.changes[0]?.through])).toEqual([
      ["local_file.wg0_a", "replace", "local.mesh_peers"],
      ["local_file.wg0_b", "replace", "local.mesh_peers"],
      ["null_resource.sync_a", "replace", "local_file.wg0_a"],
    ]);
    expect(renderPlan(added, []).slice(0, 12)).toEqual([
      "  changes:   0 to add, 0 to update in place, 3 to REPLACE, 0 to remove; 1 local value changed",
      "    ~   local.mesh_peers  changed (read by the resources below that follow it)",
      '        ["c"]: added',
      "          @@ -1,1 +1,4 @@",
      "           ",
      "          +[Peer]",
      "          +# c",
      "          +",
      "    -/+ local_file.wg0_a  REPLACED, forced by content",
      '        content: "[Interface]\\n${join(\\"\\", [for name, sectio"... (89 characters) -> (known after apply)   (follows local.mesh_peers; forces replacement)',
      "    -/+ local_file.wg0_b  REPLACED, forced by content",
      '        content: "[Interface]\\n${join(\\"\\", [for name, sectio"... (89 characters) -> (known after apply)   (follows local.mesh_peers; forces replacement)',
    ]);
  });

  it("treat any other read of a changed local as reading all of it, and show a one-line value as old -> new", () => {
    const plan = planStack("hosts", hosts({ ...peers({}), title: "old" }), hosts({ ...peers({}), title: "new" }));
    expect(plan.resources.map((resource) => [resource.address, resource.changes[0]?.through])).toEqual([["terraform_data.reader", "local.title"]]);
    expect(renderPlan(plan, []).slice(1, 3)).toEqual(["    ~   local.title  changed (read by the resources below that follow it)", '        value: "old" -> "new"']);
  });

  it("are not changes when only their key order differs", () => {
    expect(planStack("hosts", hosts(peers({ a: "x", b: "y" })), hosts(peers({ b: "y", a: "x" }))).locals).toEqual([]);
  });
});

describe("unified diff", () => {
  it("keeps unchanged lines as context and marks removed and added ones", () => {
    expect(unifiedDiff("a\nb\nc\nd\ne\nf\ng", "a\nb\nc\nD\ne\nf\ng", 1)).toEqual(["@@ -3,3 +3,3 @@", " c", "-d", "+D", " e"]);
    expect(unifiedDiff("same", "same")).toEqual([]);
  });

  it("holds both texts: with context enough for one hunk, its lines rebuild the old and the new text", () => {
    const text = fc.array(fc.constantFrom("a", "b", "c", "d"), { maxLength: 30 }).map((lines) => lines.join("\n"));
    fc.assert(
      fc.property(text, text, (before, after) => {
        const lines = unifiedDiff(before, after, 1000);
        if (before === after) return lines.length === 0;
        const body = lines.slice(1);
        const rebuilt = (keep: string) => body.filter((line) => line[0] === " " || line[0] === keep).map((line) => line.slice(1)).join("\n");
        return lines.filter((line) => line.startsWith("@@")).length === 1 && rebuilt("-") === before && rebuilt("+") === after;
      }),
    );
  });
});

describe("long values", () => {
  it("are shown from a little before their first difference, so a changed key's last character is visible", () => {
    const key = (last: string) => `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKpn7kzZTvCxBhv1SlPnQ1nMx8wlrEKzR4HaSdyFrSi${last} deploy@example.com`;
    const plan = planStack("main", stack({ digitalocean_ssh_key: { k: { public_key: key("c") } } }), stack({ digitalocean_ssh_key: { k: { public_key: key("X") } } }));
    expect(renderPlan(plan, [])).toContain('        public_key: "…4HaSdyFrSic deploy@example.com" -> "…4HaSdyFrSiX deploy@example.com"   (forces replacement)');
  });
});

describe("renamed resources", () => {
  it("follow moved blocks: the same object under its new address, compared with its old body", () => {
    const before = stack({ digitalocean_droplet: { droplet_C44C856F: { size: "s-1vcpu-1gb", region: "fra1" } } });
    const after: TerraformJson = { ...stack({ digitalocean_droplet: { app: { size: "s-1vcpu-2gb", region: "fra1" } } }), moved: [{ from: "digitalocean_droplet.droplet_C44C856F", to: "digitalocean_droplet.app" }] } as TerraformJson;
    expect(renderPlan(planStack("main", before, after), [])).toEqual([
      "  changes:   0 to add, 1 to update in place, 0 to REPLACE, 0 to remove",
      "    ~   digitalocean_droplet.app (moved from digitalocean_droplet.droplet_C44C856F)  updated in place",
      '        size: "s-1vcpu-1gb" -> "s-1vcpu-2gb"',
    ]);
    const renamedOnly = { ...after, resource: { digitalocean_droplet: { app: { size: "s-1vcpu-1gb", region: "fra1" } } } } as TerraformJson;
    expect(planStack("main", before, renamedOnly).resources.map((resource) => [resource.action, resource.movedFrom])).toEqual([["no-op", "digitalocean_droplet.droplet_C44C856F"]]);
  });
});
