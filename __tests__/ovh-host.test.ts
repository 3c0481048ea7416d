import { TerraformStack, TerraformVariable, Testing } from "cdktf";
import { OvhHost, type OvhHostProps } from "../constructs/ovh-host";
import { makeStackLiteralsInert } from "../constructs/terraform-literals";

const USER_DATA = "#cloud-config\nruncmd:\n  - echo \"${HOME}\" %{x}\n";

function synthesized(props: Partial<OvhHostProps> = {}): Record<string, Record<string, Record<string, unknown>>> {
  const stack = new TerraformStack(Testing.app(), "hosts");
  makeStackLiteralsInert(stack);
  new OvhHost(stack, "core-prod", { name: "core-prod", publicIpv4: "198.51.100.20", userData: USER_DATA, ...props });
  return (JSON.parse(Testing.synth(stack)) as { resource: Record<string, Record<string, Record<string, unknown>>> }).resource;
}

describe("OvhHost construct", () => {
  it("renders the user data to rendered/<name>/user-data.yaml, 0600, as a sensitive file", () => {
    const files = Object.values(synthesized().local_sensitive_file ?? {});
    expect(files).toHaveLength(1);
    expect(files[0]).toMatchObject({ filename: "${path.module}/rendered/core-prod/user-data.yaml", file_permission: "0600", directory_permission: "0755" });
  });

  it("escapes Terraform template syntax, so the host receives the cloud-config byte for byte", () => {
    const [file] = Object.values(synthesized().local_sensitive_file ?? {});
    expect(file?.content).toBe("#cloud-config\nruncmd:\n  - echo \"$${HOME}\" %%{x}\n");
  });

  it("writes under another relative directory when asked", () => {
    const [file] = Object.values(synthesized({ renderedDir: "ops/bootstrap" }).local_sensitive_file ?? {});
    expect(file?.filename).toBe("${path.module}/ops/bootstrap/core-prod/user-data.yaml");
  });

  it("refuses a name that is not a host name", () => {
    expect(() => synthesized({ name: "Core_Prod" })).toThrow(/name = "Core_Prod": expected a lowercase host name/);
  });

  it("refuses an address that is not IPv4", () => {
    expect(() => synthesized({ publicIpv4: "2001:db8::20" })).toThrow(/publicIpv4 = "2001:db8::20": expected an IPv4 address/);
  });

  it("refuses user data that is not a cloud-config", () => {
    expect(() => synthesized({ userData: "#!/bin/sh\necho hi\n" })).toThrow(/userData = "#!\/bin\/sh\\necho hi\\n": expected a cloud-config starting with "#cloud-config"/);
  });

  it("refuses user data only known at apply time (it is written at synth)", () => {
    const stack = new TerraformStack(Testing.app(), "hosts");
  makeStackLiteralsInert(stack);
    const userData = new TerraformVariable(stack, "user_data", { type: "string" }).stringValue;
    expect(() => new OvhHost(stack, "x", { name: "x", publicIpv4: "198.51.100.20", userData })).toThrow(/userData = "<reference>": expected the rendered cloud-config text/);
  });
});
