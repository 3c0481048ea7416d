/** One thing wrong with a config file, located as precisely as the source allows. */
export interface ConfigIssue {
  /** Dotted key path, e.g. `common_tags.Owner`; empty for file-level problems. */
  readonly key: string;
  /** 1-based line in the file, when it could be located. */
  readonly line?: number;
  /** 1-based column of the offending value (or key) on that line. */
  readonly column?: number;
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

/** `file:line:column`, `file:line` or `file`, as far as the issue is located. */
export function issueLocation(file: string, issue: Pick<ConfigIssue, "line" | "column">): string {
  if (issue.line === undefined) return file;
  return issue.column === undefined ? `${file}:${issue.line}` : `${file}:${issue.line}:${issue.column}`;
}

function formatIssues(file: string, issues: readonly ConfigIssue[]): string {
  const lines = issues.map((issue) => {
    const value = issue.shownValue === undefined ? "" : ` = ${issue.shownValue}`;
    const subject = issue.key === "" ? [] : [`${issue.key}${value}`];
    return `  ${[issueLocation(file, issue), ...subject, issue.problem].join(": ")}`;
  });
  const count = issues.length === 1 ? "1 problem" : `${issues.length} problems`;
  return `invalid configuration in ${file} (${count}):\n${lines.join("\n")}`;
}
