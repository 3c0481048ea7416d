/** A wg-quick config read back: its interface settings and peers, as written. */
export interface ParsedWgConfig {
  readonly interface: Readonly<Record<string, string>>;
  readonly peers: readonly { readonly name: string; readonly settings: Readonly<Record<string, string>> }[];
}

/** Parses wg-quick's INI-like format; a `# name` comment right after [Peer] names the peer. */
export function parseWgConfig(text: string): ParsedWgConfig {
  const iface: Record<string, string> = {};
  const peers: { name: string; settings: Record<string, string> }[] = [];
  let section: Record<string, string> | undefined;
  for (const line of text.split("\n")) {
    if (line === "[Interface]") section = iface;
    else if (line === "[Peer]") {
      const peer = { name: "", settings: {} as Record<string, string> };
      peers.push(peer);
      section = peer.settings;
    } else if (line.startsWith("# ") && peers.length > 0 && section === peers[peers.length - 1]?.settings && Object.keys(section).length === 0) {
      (peers[peers.length - 1] as { name: string }).name = line.slice(2);
    } else if (line.includes(" = ") && section !== undefined) {
      const at = line.indexOf(" = ");
      section[line.slice(0, at)] = line.slice(at + 3);
    }
  }
  return { interface: iface, peers };
}
