const KEY_TYPES = [
  "ssh-ed25519",
  "ssh-rsa",
  "ecdsa-sha2-nistp256",
  "ecdsa-sha2-nistp384",
  "ecdsa-sha2-nistp521",
  "sk-ssh-ed25519@openssh.com",
  "sk-ecdsa-sha2-nistp256@openssh.com",
] as const;

/**
 * Why a string is not an OpenSSH public key line, or undefined when it is one. Beyond the
 * shape, the base64 blob must decode and name the same key type: a truncated paste fails here
 * instead of at DigitalOcean's API.
 */
export function sshPublicKeyProblem(line: string): string | undefined {
  if (/PRIVATE KEY/.test(line)) return "is a private key; give the public key (the .pub file)";
  const match = /^(\S+) ([A-Za-z0-9+/]+={0,2})(?: [^\r\n]*)?$/.exec(line.trim());
  if (match === null) return "expected an OpenSSH public key line: `<type> <base64> [comment]`";
  const [, type, blob] = match as unknown as [string, string, string];
  if (!(KEY_TYPES as readonly string[]).includes(type)) return `has key type ${type}; expected one of ${KEY_TYPES.join(", ")}`;
  const bytes = Buffer.from(blob, "base64");
  if (bytes.length < 4) return "has a base64 key body that is too short";
  const typeLength = bytes.readUInt32BE(0);
  const embedded = bytes.subarray(4, 4 + typeLength).toString("latin1");
  if (embedded !== type) return `has a key body that does not decode to a ${type} key (truncated or mangled paste?)`;
  if (type === "ssh-rsa" && bytes.length < 270) return "is an RSA key shorter than 2048 bits; use ed25519 or RSA >= 2048";
  return undefined;
}
