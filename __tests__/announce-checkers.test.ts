import { checkerReport } from "./helpers/announce-checkers";
import { REQUIREMENTS } from "./helpers/checkers";

describe("the checker report printed before npm test", () => {
  const report = checkerReport();

  it("has one line per optional checker saying whether it is present, and how to install a missing one", () => {
    for (const requirement of Object.values(REQUIREMENTS)) {
      const line = report.split("\n").find((candidate) => candidate.includes(`  ${requirement.name}: `));
      expect(line).toMatch(requirement.available ? /^ {2}present {2}/ : new RegExp(`^ {2}MISSING .*\\(install: ${requirement.install.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\)$`));
    }
    expect(report).toMatch(/^ {2}(present|MISSING) {2}terraform/m);
  });

  it("names the test files each checker enables", () => {
    expect(report).toMatch(new RegExp(`  ${REQUIREMENTS.shellcheck.name}: .*cloud-init-checkers`));
    expect(report).toMatch(/ {2}terraform[^:]*: .*synth-output/);
    expect(report).toMatch(new RegExp(`  ${REQUIREMENTS.gpg.name}: docker-apt-key\n`));
  });
});
