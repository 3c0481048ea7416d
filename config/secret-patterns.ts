import { declaredValues, type DeclaredValues } from "./declared-values";

/**
 * What credentials look like, by kind. One set of detectors, shared by the config loader (a
 * secret pasted into a tfvars file is refused) and the SEC-001 synth policy (nothing
 * synthesized may hold one). Detectors look anywhere in a string, whatever is glued before
 * the secret (`xdop_v1_...`, `token:...`, `key=...`): no word boundaries. Callers never echo
 * the matched text.
 */
export interface SecretDetector {
  /** Human name of the credential kind, used in error reports. */
  readonly kind: string;
  readonly pattern: RegExp;
  /** Public keys have this shape too (a WireGuard public key): skipped in a public-key field. */
  readonly publicKeyShaped?: boolean;
  /** A further test of the matched text. @default every match counts */
  readonly accept?: (match: string) => boolean;
  /**
   * Every match lies inside one run of base64 / URL-safe characters and needs no context beyond
   * it: the pattern is run on those runs only, never restarted at every position of a long text.
   */
  readonly withinRuns?: boolean;
}

/** Last base64 character of 32 bytes: only 4 bits of the final sextet are used. */
const KEY_TAIL = "[AEIMQUYcgkosw048]";

export const SECRET_DETECTORS: readonly SecretDetector[] = [
  // Personal access (dop_), OAuth (doo_) and refresh (dor_) tokens: 64 hex digits after the prefix
  // (20 are enough to recognise a truncated one).
  { kind: "DigitalOcean API token", pattern: /do[opr]_v1_[0-9a-f]{20,}/ },
  { kind: "PEM private key", pattern: /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/ },
  // The body of an OpenSSH private key without its header: base64 of "openssh-key-v1\0".
  { kind: "OpenSSH private key", pattern: /b3BlbnNzaC1rZXktdjE/ },
  { kind: "WireGuard private key", pattern: new RegExp(`PrivateKey["']?\\s*[=:]\\s*["']?[A-Za-z0-9+/]{42}${KEY_TAIL}`, "i") },
  // `cloudflared tunnel run --token eyJhIjoi...`: base64 of {"a":"<account>","t":"<tunnel>","s":"<secret>"}.
  { kind: "Cloudflare tunnel token", pattern: /eyJhIjoi[A-Za-z0-9+/=_-]{60,}/ },
  { kind: "Cloudflare Origin CA key", pattern: /v1\.0-[0-9a-f]{24}-[0-9a-f]{100,}/ },
  // Cloudflare API tokens (40 URL-safe characters) and global keys (37 hex digits) have no
  // prefix: with a label they are recognised here; without one, the token is caught by the
  // high-entropy rule below and the hex key is not (hex ids and hashes would be false alarms).
  {
    kind: "Cloudflare API token",
    pattern: /(CLOUDFLARE_API_TOKEN|CF_API_TOKEN|CLOUDFLARE_DNS_API_TOKEN|api_token|Bearer)["']?\s*[=:\s]\s*["']?[A-Za-z0-9_-]{40}(?![A-Za-z0-9_-])/i,
  },
  { kind: "Cloudflare global API key", pattern: /(X-Auth-Key|CLOUDFLARE_API_KEY|CF_API_KEY|api_key)["']?\s*[=:\s]\s*["']?[0-9a-f]{37}(?![0-9a-f])/i },
  // Spaces access keys: DO00 followed by 16 upper-case letters and digits.
  { kind: "Spaces access key", pattern: /DO00[0-9A-Z]{16}/ },
  // 32 bytes of base64, padded or not, without a label: a WireGuard key or a Spaces secret key
  // (43 characters). Public keys the config declares are taken out of the text before detection.
  // Mixed case and digits, as random base64 of that length always is: a hex digest has a
  // 43-character tail of the same alphabet and is no key.
  {
    kind: "WireGuard key or Spaces secret key",
    pattern: new RegExp(`[A-Za-z0-9+/]{42}${KEY_TAIL}(=|(?![A-Za-z0-9+/=]))`, "g"),
    publicKeyShaped: true,
    accept: mixesCaseAndDigits,
    withinRuns: true,
  },
];

/**
 * A token without a recognisable shape: a run of at least 32 base64 / URL-safe characters that
 * mixes upper case, lower case and digits and is close to random (Shannon entropy of at least
 * 4.2 bits per character; random base64 of that length scores about 4.7, names and paths
 * below 4). Hex-only strings (ids, hashes, fingerprints) never match: they lack a letter case.
 */
export const HIGH_ENTROPY_MIN_LENGTH = 32;
export const HIGH_ENTROPY_MIN_BITS = 4.2;

/**
 * The maximal runs of `[A-Za-z0-9+/_=-]` at least HIGH_ENTROPY_MIN_LENGTH long, between `from`
 * and `to`: what `/[A-Za-z0-9+/_=-]{32,}/g` finds, without its cost (it restarts at every
 * character of every shorter run, and synthesized text is mostly such runs). Two readers give
 * the same runs: the regex below, whose look-behind only lets a match start where a run starts,
 * and a loop over the characters. The loop runs unoptimised in a process's first calls, about six
 * times slower than the regex over the example's whole output; once V8 has optimised it (a few
 * hundred kilobytes in) it is about a fifth faster. So the regex reads until a process has read
 * LOOP_AFTER_CHARACTERS with it, and the loop reads the rest: a long text, and nearly everything
 * at hundreds of hosts.
 */
function candidateRunsOf(text: string, from = 0, to = text.length): string[] {
  if (readByRegex + to - from >= LOOP_AFTER_CHARACTERS) return runsByLoop(text, from, to);
  readByRegex += to - from;
  return runsByRegex(text, from, to);
}

const LOOP_AFTER_CHARACTERS = 512 * 1024;
let readByRegex = 0;

const CANDIDATE_RUN = new RegExp(String.raw`(?<![A-Za-z0-9+/_=-])[A-Za-z0-9+/_=-]{${HIGH_ENTROPY_MIN_LENGTH},}`, "g");

/** candidateRunsOf by V8's regex engine. */
export function runsByRegex(text: string, from = 0, to = text.length): string[] {
  return (from === 0 && to === text.length ? text : text.slice(from, to)).match(CANDIDATE_RUN) ?? [];
}

/** candidateRunsOf by one loop over the characters. */
export function runsByLoop(text: string, from = 0, to = text.length): string[] {
  const runs: string[] = [];
  let start = -1;
  for (let index = from; index <= to; index += 1) {
    if (index < to && isRunCharacter(text.charCodeAt(index))) {
      if (start < 0) start = index;
    } else if (start >= 0) {
      if (index - start >= HIGH_ENTROPY_MIN_LENGTH) runs.push(text.slice(start, index));
      start = -1;
    }
  }
  return runs;
}

function isRunCharacter(code: number): boolean {
  return (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a) || (code >= 0x30 && code <= 0x39) || code === 0x2b || code === 0x2f || code === 0x5f || code === 0x3d || code === 0x2d;
}

/** ASCII-armoured public keys (the Docker apt key in user data) are public by construction. */
const PUBLIC_KEY_BLOCK = new RegExp(
  // Only a well-formed armour counts: header lines and base64 lines (indented in YAML, with real or
  // JSON-escaped line breaks). Anything else inside, a token or a private key, is scanned like any text.
  String.raw`-----BEGIN ([A-Z0-9]+ )*PUBLIC KEY( BLOCK)?-----(?:\r?\n|\\n)(?:[ \t]*(?:[A-Za-z0-9+/=]*|[A-Za-z-]+: [^\n\\]*)(?:\r?\n|\\n))*[ \t]*-----END ([A-Z0-9]+ )*PUBLIC KEY( BLOCK)?-----`,
  "g",
);

export interface SecretScanOptions {
  /**
   * Public key material the config declares (WireGuard public keys, the SSH public key and its
   * base64 body): removed from the text before detection, so only an exact copy is allowed.
   */
  readonly publicValues?: readonly string[];
  /**
   * The text is the value of a field that holds a public key: shapes a public key shares with
   * a secret (32 bytes of base64, high entropy) are not findings there; private keys and tokens are.
   */
  readonly publicKeyField?: boolean;
}

/** The kind of credential a text holds, or undefined when it holds none. */
export function secretKindIn(text: string, options: SecretScanOptions = {}): string | undefined {
  const scanned = withoutPublicValues(text, options.publicValues ?? []);
  const publicKeyField = options.publicKeyField === true;
  let runs: string[] | undefined;
  const candidateRuns = () => (runs ??= candidateRunsOf(scanned));
  const shaped = SECRET_DETECTORS.find((detector) => !(publicKeyField && detector.publicKeyShaped === true) && detects(detector, detector.withinRuns === true ? candidateRuns() : [scanned]));
  if (shaped !== undefined) return shaped.kind;
  if (publicKeyField) return undefined;
  return highEntropyRunOutsideReferences(scanned) ? "high-entropy token" : undefined;
}

/**
 * A Terraform reference (`${data.terraform_remote_state.x.outputs.y}`, `${var.do_token}`):
 * long and mixed-case, but a name, not a value. `$${` is an escaped literal, not a reference.
 */
const TERRAFORM_REFERENCE = /(?<!\$)\$\{[a-z][a-z0-9_]*\.[A-Za-z0-9_.\-\[\]"]*\}/g;

function detects(detector: SecretDetector, texts: readonly string[]): boolean {
  const { accept } = detector;
  if (accept === undefined) return texts.some((text) => detector.pattern.test(text));
  return texts.some((text) => [...text.matchAll(detector.pattern)].some(([match]) => accept(match)));
}

function mixesCaseAndDigits(text: string): boolean {
  return /[A-Z]/.test(text) && /[a-z]/.test(text) && /[0-9]/.test(text);
}

function withoutPublicValues(text: string, publicValues: readonly string[]): string {
  const declared = declaredValuesOf(publicValues);
  const stripped = declared === undefined ? text : declared.replaceWithSpace(text);
  return stripped.replace(PUBLIC_KEY_BLOCK, " ");
}

const declaredByArray = new WeakMap<readonly string[], DeclaredValues | undefined>();

/** One matcher per array of declared values: a mesh of N members declares N keys. */
function declaredValuesOf(publicValues: readonly string[]): DeclaredValues | undefined {
  if (declaredByArray.has(publicValues)) return declaredByArray.get(publicValues);
  const matcher = declaredValues(publicValues);
  declaredByArray.set(publicValues, matcher);
  return matcher;
}

/** The first run that passes the high-entropy rule, if any. */
export function highEntropyRun(text: string): string | undefined {
  return candidateRunsOf(text).find(isHighEntropy);
}

function isHighEntropy(run: string): boolean {
  return mixesCaseAndDigits(run) && !isIdentifier(run) && shannonBits(run) >= HIGH_ENTROPY_MIN_BITS;
}

/**
 * What `highEntropyRun(text.replace(TERRAFORM_REFERENCE, " "))` finds, without that copy of the
 * text (the final scan reads 20 MB files): the space ends a run, so runs lie between references.
 */
function highEntropyRunOutsideReferences(text: string): boolean {
  let from = 0;
  for (const reference of text.matchAll(TERRAFORM_REFERENCE)) {
    if (candidateRunsOf(text, from, reference.index).some(isHighEntropy)) return true;
    from = reference.index + reference[0].length;
  }
  return candidateRunsOf(text, from).some(isHighEntropy);
}

/**
 * Names built from words (`cross-stack-output-digitalocean_droplet_C44C856F`): a separator
 * splits off an all-lowercase word of four letters or more. In random base64 such a part is
 * rare; in generated names it is the rule.
 */
function isIdentifier(run: string): boolean {
  return run.split(/[_\-./]/).some((part) => /^[a-z]{4,}$/.test(part));
}

function shannonBits(text: string): number {
  const counts = new Map<string, number>();
  for (const char of text) counts.set(char, (counts.get(char) ?? 0) + 1);
  let bits = 0;
  for (const count of counts.values()) {
    const p = count / text.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}
