import { parse } from "@cdktf/hcl2json";
import { configFrom, EXAMPLE_SOURCE, exampleConfig, synthApp, withSetting, type SynthResult } from "./helpers/synth";

/** The example (every stack, mesh, tunnel, Spaces) and the variants that change outputs or state. */
async function variants(): Promise<Record<string, SynthResult>> {
  return {
    example: synthApp(await exampleConfig()),
    "no IPv6, state on Spaces": synthApp(await configFrom(withSetting(withSetting(EXAMPLE_SOURCE, "enable_ipv6", "false"), "state_backend", '"spaces"'))),
  };
}

/** Rows of the markdown table under `## heading`: first cell (without backticks) -> last cell. */
function tableUnder(readme: string, heading: string): Map<string, string> {
  const section = readme.split(`## ${heading}\n`)[1]?.split("\n## ")[0] ?? "";
  const rows = section.split("\n").filter((line) => line.startsWith("| `"));
  return new Map(rows.map((row) => {
    const cells = row.split(" | ");
    return [(cells[0] ?? "").replace(/^\| `|`$/g, ""), (cells.at(-1) ?? "").replace(/ \|$/, "").trim()];
  }));
}

describe("self-contained stack directories", () => {
  it("document what each stack creates, its inputs with sensitivity, outputs, providers and order", async () => {
    const { files, stacks } = synthApp(await exampleConfig());
    const main = files.get("stacks/main-production/README.md")!;
    expect(main).toContain("# Stack `main-production`");
    expect(main).toContain("Apply this stack first: it depends on no other stack.");
    expect(main).toContain("Apply before `data-production`, `edge-production`, `hosts-production`, which read this stack's outputs.");
    expect(main).toContain("| `do_token` | yes | `export TF_VAR_do_token=...` | DigitalOcean API token (set TF_VAR_do_token) |");
    // Addresses are read from the synthesized JSON, whatever the constructs name them.
    const vpcAddress = `digitalocean_vpc.${Object.keys(stacks["main-production"]?.resource?.digitalocean_vpc ?? {})[0] ?? "?"}`;
    expect(main).toContain(`| \`${vpcAddress}\` | private network \`izzzi-production-vpc\` (10.0.0.0/16) the droplet's private address lives in |`);
    expect(main).toContain("18 resources, by Terraform address");
    expect(main).toContain("State is a local file, `terraform.main-production.tfstate` at the project root");
    expect(main).toContain("| digitalocean | `digitalocean/digitalocean` | `2.71.0` |");
    expect(main).toContain("| `droplet_ip` | no |");
    expect(main).not.toContain("cross-stack-output-");
    const data = files.get("stacks/data-production/README.md")!;
    expect(data).toContain("Apply after `main-production`: this stack reads its state.");
    expect(data).toContain("| `terraform_state_secret_key` | yes (`terraform output -raw`) |");
    expect(data).toContain("Reads `main-production`'s outputs through `terraform_remote_state` (backend `local`");
    const hosts = files.get("stacks/hosts-production/README.md")!;
    expect(hosts).toContain("with the key of your SSH agent (`ssh-add -l` must list it)");
    const edge = files.get("stacks/edge-production/README.md")!;
    expect(edge).toContain("install the tunnel's connector token on `core-prod` as `/etc/cloudflared/tunnel.env`");
  });

  it("describe every input and every output, and list every resource by address with what it is for", async () => {
    for (const [variant, { files, stacks }] of Object.entries(await variants())) {
      for (const [name, stack] of Object.entries(stacks)) {
        const readme = files.get(`stacks/${name}/README.md`)!;
        const described = (heading: string, names: readonly string[]) => {
          const rows = tableUnder(readme, heading);
          expect({ variant, name, heading, rows: [...rows.keys()].sort() }).toEqual({ variant, name, heading, rows: [...names].sort() });
          const undescribed = [...rows].filter(([, description]) => description === "" || description === "no" || description.startsWith("yes")).map(([row]) => row);
          expect({ variant, name, heading, undescribed }).toEqual({ variant, name, heading, undescribed: [] });
        };
        described("Inputs", Object.keys(stack.variable ?? {}));
        described("Outputs", Object.keys(stack.output ?? {}).filter((output) => !output.startsWith("cross-stack-output-")));
        described(
          "What it creates",
          Object.entries(stack.resource ?? {}).flatMap(([type, byName]) => Object.keys(byName).map((resource) => `${type}.${resource}`)),
        );
      }
    }
  });

  it("say where the state is kept, locally or on Spaces", async () => {
    const { files } = (await variants())["no IPv6, state on Spaces"]!;
    expect(files.get("stacks/main-production/README.md")).toContain(
      "State is in the Spaces bucket `izzzi-production-terraform-state` under `main-production/terraform.tfstate` (Terraform's S3 backend, locked with a lock file next to it).",
    );
  });

  it("ship a terraform.tfvars.example that names every variable and sets no secret", async () => {
    const { files, stacks } = synthApp(await exampleConfig());
    for (const [name, stack] of Object.entries(stacks)) {
      const example = files.get(`stacks/${name}/terraform.tfvars.example`)!;
      for (const variable of Object.keys(stack.variable ?? {})) expect(example).toContain(`# export TF_VAR_${variable}="..."`);
      await expect(parse("terraform.tfvars", example)).resolves.toEqual({});
    }
  });

  it("contain no absolute path and nothing that refers back to the CDKTF app's files", async () => {
    const { files, root } = synthApp(await exampleConfig());
    for (const [file, content] of files) {
      expect({ file, root: content.includes(root), app: /main\.ts|node_modules|scripts\/run-app/.test(content) }).toEqual({ file, root: false, app: false });
    }
  });
});
