import { TerraformStack, TerraformVariable, Testing } from "cdktf";
import { OvhHost, type OvhHostProps } from "../constructs/ovh-host";
import { makeStackLiteralsInert } from "../constructs/terraform-literals";

const USER_DATA = "#cloud-config\nruncmd:\n  - echo \"${HOME}\" %{x}\n";
const ENROLLMENT = "#!/bin/bash\necho \"${HOME}\" %{x}\n";

/** The rendered files by their name in the directory: user-data.yaml, enroll.sh. */
function renderedFiles(props: Partial<OvhHostProps> = {}): Record<string, Record<string, unknown>> {
  return Object.fromEntries(Object.values(synthesized(props).local_sensitive_file ?? {}).map((file) => [String(file.filename).split("/").pop(), file]));
}

function synthesized(props: Partial<OvhHostProps> = {}): Record<string, Record<string, Record<string, unknown>>> {
  const stack = new TerraformStack(Testing.app(), "hosts");
  makeStackLiteralsInert(stack);
  new OvhHost(stack, "core-prod", { name: "core-prod", publicIpv4: "198.51.100.20", userData: USER_DATA, enrollmentScript: ENROLLMENT, ...props });
  return (JSON.parse(Testing.synth(stack)) as { resource: Record<string, Record<string, Record<string, unknown>>> }).resource;
}

describe("OvhHost construct", () => {
  it("renders the user data to rendered/<name>/user-data.yaml and the enrollment script beside it, 0600, as sensitive files", () => {
    const files = renderedFiles();
    expect(Object.keys(files).sort()).toEqual(["enroll.sh", "user-data.yaml"]);
    expect(files["user-data.yaml"]).toMatchObject({ filename: "${path.module}/rendered/core-prod/user-data.yaml", file_permission: "0600", directory_permission: "0755" });
    expect(files["enroll.sh"]).toMatchObject({ filename: "${path.module}/rendered/core-prod/enroll.sh", file_permission: "0600", directory_permission: "0755" });
  });

  it("escapes Terraform template syntax, so the host receives the cloud-config and the script byte for byte", () => {
    const { "user-data.yaml": userData, "enroll.sh": enrollment } = renderedFiles();
    expect(userData?.content).toBe("#cloud-config\nruncmd:\n  - echo \"$${HOME}\" %%{x}\n");
    expect(enrollment?.content).toBe("#!/bin/bash\necho \"$${HOME}\" %%{x}\n");
  });

  it("refuses an enrollment script that is not a bash script", () => {
    expect(() => synthesized({ enrollmentScript: "echo hi\n" })).toThrow(/enrollmentScript = "echo hi\\n": expected the rendered bash script/);
  });

  it("writes under another relative directory when asked", () => {
    const files = renderedFiles({ renderedDir: "ops/bootstrap" });
    expect(files["user-data.yaml"]?.filename).toBe("${path.module}/ops/bootstrap/core-prod/user-data.yaml");
    expect(files["enroll.sh"]?.filename).toBe("${path.module}/ops/bootstrap/core-prod/enroll.sh");
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
    expect(() => new OvhHost(stack, "x", { name: "x", publicIpv4: "198.51.100.20", userData, enrollmentScript: ENROLLMENT })).toThrow(/userData = "<reference>": expected the rendered cloud-config text/);
  });
});
