/**
 * The origin a Cloudflare tunnel hostname proxies to (`http://localhost:8080`, `ssh://localhost:22`,
 * `unix:/run/app.sock`, `http_status:404`), and what may be published without Cloudflare Access.
 * Shared by the config schema, the tunnel construct and the guard-rail policies.
 */

/** The service strings the config and the tunnel construct accept (cloudflared reads more; these are the ones this product uses). */
export const TUNNEL_SERVICE_FORMAT = /^(https?|tcp|ssh|rdp|unix):\/\/[A-Za-z0-9._:/\[\]-]+$|^http_status:[1-5][0-9]{2}$/;

export interface TunnelService {
  /** `http`, `https`, `tcp`, `ssh`, `rdp`, `smb`, `unix`, `unix+tls`, `http_status`, or whatever else is written. */
  readonly scheme: string;
  /** Host part, brackets removed, lowercase; undefined for unix sockets and `http_status`. */
  readonly host?: string;
  /** Destination port: the written one, or the scheme's default. */
  readonly port?: number;
}

const DEFAULT_PORTS: Readonly<Record<string, number>> = { http: 80, https: 443, ssh: 22, rdp: 3389, smb: 445 };

/** Addresses that only answer on the machine running cloudflared. */
const LOOPBACK_HOSTS = /^(localhost|127(\.(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])){3}|::1)$/;

/** Schemes that proxy plain HTTP(S); anything else is a raw stream (SSH, TCP, RDP, SMB). */
export const WEB_SCHEMES: ReadonlySet<string> = new Set(["http", "https"]);

/** Ports that are never published without Access, whatever the scheme: SSH and the application's internal services. */
export const GUARDED_PORTS: readonly number[] = [22, 5432, 6379, 3000, 4000];

/** Reads `scheme://host:port/path`, `unix:/path` and `http_status:404`; undefined when unreadable. */
export function parseTunnelService(service: string): TunnelService | undefined {
  if (/^http_status:[0-9]{3}$/.test(service)) return { scheme: "http_status" };
  const unix = /^(unix|unix\+tls):(\/\/)?\/\S*$/.exec(service);
  if (unix !== null) return { scheme: unix[1] as string };
  const match = /^([a-z][a-z0-9+.-]*):\/\/(\[[0-9A-Fa-f:.]+\]|[^/:\s[\]@]+)(?::([0-9]{1,5}))?(\/\S*)?$/.exec(service);
  if (match === null) return undefined;
  const scheme = match[1] as string;
  const host = (match[2] as string).replace(/^\[|\]$/g, "").toLowerCase();
  const port = match[3] === undefined ? DEFAULT_PORTS[scheme] : Number(match[3]);
  return { scheme, host, ...(port === undefined ? {} : { port }) };
}

/** True when the service is reached on the tunnel's own host: loopback, a unix socket, or a fixed status. */
export function isOnTheHost(service: TunnelService): boolean {
  if (service.scheme === "http_status" || service.scheme.startsWith("unix")) return true;
  return service.host !== undefined && LOOPBACK_HOSTS.test(service.host);
}

/** A raw stream (SSH, TCP, RDP, SMB) rather than HTTP(S), a unix socket or a fixed status. */
export function isRawStream(service: TunnelService): boolean {
  return !WEB_SCHEMES.has(service.scheme) && service.scheme !== "http_status" && !service.scheme.startsWith("unix");
}

/**
 * Why a hostname may not publish this service, or undefined when it may. `guardedPorts` are
 * the ports that need Access whatever the scheme (SSH and internal services).
 */
export function tunnelServiceProblem(service: string, hasAccess: boolean, guardedPorts: readonly number[] = GUARDED_PORTS): string | undefined {
  const parsed = parseTunnelService(service);
  if (parsed === undefined) return 'is not an origin service cloudflared reads the same way (e.g. "http://localhost:8080", "ssh://localhost:22", "unix:/run/app.sock")';
  if (!isOnTheHost(parsed)) {
    return `points at ${parsed.host ?? "another machine"}, off the tunnel's host: the internet would reach into the VPC or mesh through it; use localhost, 127.0.0.1, [::1] or a unix socket`;
  }
  if (hasAccess) return undefined;
  if (isRawStream(parsed)) return `publishes a raw ${parsed.scheme.toUpperCase()} stream to the whole internet; add access = { allowed_emails = [...] } (Cloudflare Access) to this ingress rule`;
  if (parsed.port !== undefined && guardedPorts.includes(parsed.port)) {
    return `publishes port ${parsed.port} (SSH or an internal service) to the whole internet; add access = { allowed_emails = [...] } (Cloudflare Access) to this ingress rule`;
  }
  return undefined;
}
