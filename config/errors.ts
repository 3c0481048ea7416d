/** One thing wrong with a config file, located as precisely as the parser allows. */
export interface ConfigIssue {
  /** Dotted key path, e.g. `common_tags.Owner`; empty for file-level problems. */
  readonly key: string;
  /** 1-based line in the file, when it could be located. */
  readonly line?: number;
  /** The offending value, already rendered for display (secrets are never rendered). */
  readonly shownValue?: string;
  /** What was wrong and what was expected, in one sentence. */
  readonly problem: string;
}

/** Raised for any invalid configuration; nothing is synthesized when it is thrown. */
export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly issues: readonly ConfigIssue[],
  ) {
    super(formatIssues(file, issues));
    this.name = "ConfigError";
  }
}

function formatIssues(file: string, issues: readonly ConfigIssue[]): string {
  const lines = issues.map((issue) => {
    const where = issue.line === undefined ? file : `${file}:${issue.line}`;
    const value = issue.shownValue === undefined ? "" : ` = ${issue.shownValue}`;
    const subject = issue.key === "" ? [] : [`${issue.key}${value}`];
    return `  ${[where, ...subject, issue.problem].join(": ")}`;
  });
  const count = issues.length === 1 ? "1 problem" : `${issues.length} problems`;
  return `invalid configuration in ${file} (${count}):\n${lines.join("\n")}`;
}
