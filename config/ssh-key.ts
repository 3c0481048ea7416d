const KEY_TYPES = [
  "ssh-ed25519",
  "ssh-rsa",
  "ecdsa-sha2-nistp256",
  "ecdsa-sha2-nistp384",
  "ecdsa-sha2-nistp521",
  "sk-ssh-ed25519@openssh.com",
  "sk-ecdsa-sha2-nistp256@openssh.com",
] as const;

/** An RSA key of 16384 bits is about 2 800 characters; nothing longer is a public key line. */
export const MAX_SSH_PUBLIC_KEY_LENGTH = 4096;
const MAX_COMMENT_LENGTH = 100;

/**
 * Why a string is not an OpenSSH public key line, or undefined when it is one. Beyond the
 * shape, the base64 blob must decode (canonically) to a blob whose embedded type string is the
 * declared type: a truncated paste fails here instead of at DigitalOcean's API. The comment
 * ends up in authorized_keys and cloud-init YAML: printable ASCII without quotes or backslashes.
 */
export function sshPublicKeyProblem(line: string): string | undefined {
  if (/PRIVATE KEY/.test(line)) return "is a private key; give the public key (the .pub file)";
  if (line.length > MAX_SSH_PUBLIC_KEY_LENGTH) return `is longer than ${MAX_SSH_PUBLIC_KEY_LENGTH} characters; expected one OpenSSH public key line`;
  // Before any trimming: trim() also removes U+2028, NBSP or a BOM, which YAML reads as line
  // breaks or keeps as bytes in authorized_keys.
  if (/[^\x20-\x7e]/.test(line.replace(/^ +| +$/g, ""))) {
    return "has characters other than printable ASCII (line breaks, tabs, Unicode spaces); expected one OpenSSH public key line: `<type> <base64> [comment]`";
  }
  const match = /^(\S+) ([A-Za-z0-9+/]+={0,2})(?: ([^\r\n]*))?$/.exec(line.trim());
  if (match === null) return "expected an OpenSSH public key line: `<type> <base64> [comment]`";
  const [, type, blob, comment] = match as unknown as [string, string, string, string | undefined];
  if (!(KEY_TYPES as readonly string[]).includes(type)) return `has key type ${type}; expected one of ${KEY_TYPES.join(", ")}`;
  const bytes = Buffer.from(blob, "base64");
  if (bytes.toString("base64") !== blob) return "has a key body that is not valid base64 (truncated or mangled paste?)";
  if (bytes.length < 4) return "has a base64 key body that is too short";
  const typeLength = bytes.readUInt32BE(0);
  const embedded = bytes.subarray(4, 4 + typeLength).toString("latin1");
  if (embedded !== type) return `has a key body that does not decode to a ${type} key (truncated or mangled paste?)`;
  if (type === "ssh-rsa" && bytes.length < 270) return "is an RSA key shorter than 2048 bits; use ed25519 or RSA >= 2048";
  if (comment !== undefined && !/^[\x21\x23-\x5b\x5d-\x7e][\x20\x21\x23-\x5b\x5d-\x7e]*$/.test(comment.trim() === "" ? "x" : comment.trim())) {
    return "has a comment with characters other than printable ASCII (no quotes or backslashes); keep it like user@host";
  }
  if (comment !== undefined && comment.trim().length > MAX_COMMENT_LENGTH) return `has a comment longer than ${MAX_COMMENT_LENGTH} characters`;
  return undefined;
}
