import { parse } from "@cdktf/hcl2json";
import { exampleConfig, synthApp } from "./helpers/synth";

describe("self-contained stack directories", () => {
  it("document what each stack creates, its inputs with sensitivity, outputs, providers and order", async () => {
    const { files } = synthApp(await exampleConfig());
    const main = files.get("stacks/main-production/README.md")!;
    expect(main).toContain("# Stack `main-production`");
    expect(main).toContain("Apply this stack first: it depends on no other stack.");
    expect(main).toContain("Apply before `data-production`, `edge-production`, `hosts-production`, which read this stack's outputs.");
    expect(main).toContain("| `do_token` | yes | `export TF_VAR_do_token=...` | DigitalOcean API token (set TF_VAR_do_token) |");
    expect(main).toContain("| `digitalocean_firewall` | 4 |");
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
