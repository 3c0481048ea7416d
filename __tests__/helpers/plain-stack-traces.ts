/**
 * jest setupFilesAfterEnv. cdktf captures the full call stack of every token and computed
 * attribute it creates (into a plain object, `{ stack: "" }`), only to quote it if that token is
 * later misused. Under jest every such stack went through source-map-support, which maps each
 * frame through the inline source maps of cdktf's files: about a tenth of the suite's CPU. Those
 * captures get V8's own formatting here; errors (anything that is an Error) keep their source-
 * mapped stacks, so a failing test still points at the TypeScript line.
 */
const mapped = Error.prepareStackTrace;

function isPlainObject(value: unknown): boolean {
  return typeof value === "object" && value !== null && !(value instanceof Error) && Object.getPrototypeOf(value) === Object.prototype;
}

if (typeof mapped === "function") {
  Error.prepareStackTrace = (error: Error, frames: NodeJS.CallSite[]): unknown =>
    isPlainObject(error) ? [String(error), ...frames.map((frame) => `    at ${frame.toString()}`)].join("\n") : mapped(error, frames);
}
