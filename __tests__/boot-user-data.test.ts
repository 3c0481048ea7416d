import { parse } from "yaml";
import { renderCloudConfig, type CloudConfigPart } from "../cloud-init/cloud-config";
import {
  BOOTED_HOST,
  dockerSwitchDifferences,
  structuralDiff,
  synthesizedOvhUserData,
  terraformLiteral,
  withDistroDocker,
} from "./helpers/boot-user-data";
import { exampleConfig, synthApp } from "./helpers/synth";

/** What `npm run test:boot` boots, checked without qemu: the synthesized OVH user data, Docker switched to Debian's package, nothing else. */
describe("the boot test's user data", () => {
  let synthesized = "";
  beforeAll(async () => {
    synthesized = synthesizedOvhUserData(synthApp(await exampleConfig()).outdir, BOOTED_HOST);
  });

  it("is the synthesized user data of an OVH server, Docker CE from Docker's repository", () => {
    expect(synthesized.startsWith("#cloud-config\n")).toBe(true);
    expect(synthesized).toContain("docker-ce");
    expect(synthesized).toContain("https://download.docker.com/linux/debian");
  });

  it("renders back byte for byte once parsed, so rewriting it changes only what the structure changes", () => {
    expect(renderCloudConfig([parse(synthesized) as CloudConfigPart])).toBe(synthesized);
  });

  it("differs from the synthesized file only in the Docker source", () => {
    const booted = withDistroDocker(synthesized, "debian-12");
    expect(structuralDiff(parse(synthesized), parse(booted))).toEqual(dockerSwitchDifferences(synthesized, "debian-12"));
    expect(booted).toContain("  - docker.io\n  - docker-compose\n");
    expect(booted).not.toMatch(/docker-ce|download\.docker\.com|PGP PUBLIC KEY/);
  });

  it("refuses user data that does not install Docker CE as the product renders it", () => {
    const booted = withDistroDocker(synthesized, "debian-12");
    expect(() => withDistroDocker(booted, "debian-12")).toThrow(/does not install Docker CE/);
    expect(() => withDistroDocker(synthesized.replace(/^apt:[\s\S]*$/m, ""), "debian-12")).toThrow(/no docker\.list apt source/);
  });
});

describe("structuralDiff", () => {
  it("reports a changed command, an added key and a removed file by path", () => {
    const before = { runcmd: ["a", "b"], write_files: [{ path: "/x", content: "1" }, { path: "/y" }] };
    const after = { runcmd: ["a", "c"], write_files: [{ path: "/x", content: "2" }, { path: "/y" }], timezone: "Etc/UTC" };
    expect(structuralDiff(before, after)).toEqual([
      { path: "/runcmd", removed: ["b"], added: ["c"] },
      { path: "/write_files/0/content", removed: "1", added: "2" },
      { path: "/timezone", added: "Etc/UTC" },
    ]);
    expect(structuralDiff({ files: [{ a: 1 }] }, {})).toEqual([{ path: "/files", removed: [{ a: 1 }] }]);
  });

  it("reports commands run in another order, and nothing for equal documents", () => {
    expect(structuralDiff({ runcmd: ["a", "b", "c"] }, { runcmd: ["b", "a", "c"] })).toEqual([{ path: "/runcmd", reordered: true }]);
    expect(structuralDiff({ packages: ["a", "b"] }, { packages: ["a", "b"] })).toEqual([]);
  });
});

describe("terraformLiteral", () => {
  it("undoes Terraform's escapes and refuses an interpolation", () => {
    expect(terraformLiteral("echo $${HOME} %%{x} $KEY_FILE")).toBe("echo ${HOME} %{x} $KEY_FILE");
    expect(() => terraformLiteral("echo ${var.x}")).toThrow(/interpolation/);
    expect(() => terraformLiteral("%{ if true }")).toThrow(/interpolation/);
  });
});
