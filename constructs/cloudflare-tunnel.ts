import { DnsRecord } from "@cdktf/provider-cloudflare/lib/dns-record";
import { ZeroTrustTunnelCloudflared } from "@cdktf/provider-cloudflare/lib/zero-trust-tunnel-cloudflared";
import { ZeroTrustTunnelCloudflaredConfigA } from "@cdktf/provider-cloudflare/lib/zero-trust-tunnel-cloudflared-config";
import { Construct } from "constructs";
import type { AccessProtection } from "../config/cloudflare-access";
import { GUARDED_PORTS, TUNNEL_SERVICE_FORMAT, tunnelServiceProblem } from "../config/tunnel-service";
import { CloudflareAccess } from "./cloudflare-access";
import { AUTOMATIC_TTL, CLOUDFLARE_ID, DNS_NAME, recordId } from "./cloudflare-records";
import { nameResource, RESOURCE_NAMES } from "./addresses";
import { PropsError, requireMatch } from "./validation";

/** The catch-all every tunnel configuration must end with: anything unmatched gets a 404. */
export const CATCH_ALL_SERVICE = "http_status:404";
/** Where Cloudflare routes a tunnel's hostnames: `<tunnel id>.cfargotunnel.com`. */
export const TUNNEL_DOMAIN = "cfargotunnel.com";
/** Origin services cloudflared can proxy to, as Cloudflare documents them. */
export const TUNNEL_SERVICE = TUNNEL_SERVICE_FORMAT;

export interface TunnelIngressRule {
  /** Public hostname, e.g. `drive.example.net`; it gets a proxied CNAME to the tunnel. */
  readonly hostname: string;
  /** Id of the zone the hostname belongs to (a literal or a reference). */
  readonly zoneId: string;
  /** Origin service on the host running cloudflared, e.g. `http://localhost:8080`; never another machine. */
  readonly service: string;
  /**
   * Who may pass Cloudflare Access before reaching the service. Required for SSH, raw TCP,
   * RDP and the guarded ports. @default - no Access: the hostname is open to everyone
   */
  readonly access?: AccessProtection;
}

export interface CloudflareTunnelProps {
  readonly accountId: string;
  /** Tunnel name, `<project>-<env>-<host>`. */
  readonly name: string;
  /** Hostname -> service rules, in match order; the 404 catch-all is appended. */
  readonly ingress: readonly TunnelIngressRule[];
  /** Shown next to the CNAMEs in the Cloudflare dashboard. @default "managed by cdktf" */
  readonly comment?: string;
  /** Ports published only behind Access, whatever the scheme. @default GUARDED_PORTS (SSH and the internal service ports) */
  readonly guardedPorts?: readonly number[];
}

/**
 * A remotely managed Cloudflare Tunnel of the Cloudflare-fronted site: the tunnel, its ingress configuration ending
 * with the 404 catch-all, a proxied CNAME per hostname to `<tunnel id>.cfargotunnel.com`, and
 * Cloudflare Access in front of the hostnames that name who may pass.
 * No `tunnel_secret` is set: Cloudflare generates it. The connector token derived from it is never
 * read or output here; ops copy it from the dashboard (or `cloudflared tunnel token <id>`) onto
 * the host (README, "The Cloudflare edge").
 */
export class CloudflareTunnel extends Construct {
  readonly tunnel: ZeroTrustTunnelCloudflared;
  readonly configuration: ZeroTrustTunnelCloudflaredConfigA;
  /** `<tunnel id>.cfargotunnel.com`, what every tunnel hostname is a CNAME to. */
  readonly cnameTarget: string;
  /** Hostname -> its CNAME. */
  readonly records: ReadonlyMap<string, DnsRecord>;
  /** Hostname -> the Cloudflare Access protection in front of it, for rules that have one. */
  readonly access: ReadonlyMap<string, CloudflareAccess>;

  constructor(scope: Construct, id: string, props: CloudflareTunnelProps) {
    super(scope, id);
    validate(this.node.path, props);
    this.tunnel = nameResource(new ZeroTrustTunnelCloudflared(this, "tunnel", {
      accountId: props.accountId,
      name: props.name,
      configSrc: "cloudflare",
    }), RESOURCE_NAMES.tunnel);
    this.configuration = nameResource(new ZeroTrustTunnelCloudflaredConfigA(this, "config", {
      accountId: props.accountId,
      tunnelId: this.tunnel.id,
      source: "cloudflare",
      config: {
        ingress: [...props.ingress.map((rule) => ({ hostname: rule.hostname, service: rule.service })), { service: CATCH_ALL_SERVICE }],
      },
    }), RESOURCE_NAMES.tunnelConfig);
    this.cnameTarget = `${this.tunnel.id}.${TUNNEL_DOMAIN}`;
    const comment = props.comment ?? "managed by cdktf";
    this.records = new Map(
      props.ingress.map((rule) => [
        rule.hostname,
        nameResource(
          new DnsRecord(this, recordId(rule.hostname, "CNAME"), {
            zoneId: rule.zoneId,
            name: rule.hostname,
            type: "CNAME",
            content: this.cnameTarget,
            proxied: true,
            ttl: AUTOMATIC_TTL,
            comment: `${comment} (tunnel ${props.name})`,
          }),
          RESOURCE_NAMES.cloudflareRecord(rule.hostname, "CNAME"),
        ),
      ]),
    );
    this.access = new Map(
      props.ingress.flatMap((rule): [string, CloudflareAccess][] =>
        rule.access === undefined
          ? []
          : [
              [
                rule.hostname,
                new CloudflareAccess(this, `access_${rule.hostname.replace(/[.-]/g, "_")}`, {
                  accountId: props.accountId,
                  hostname: rule.hostname,
                  name: `${props.name} ${rule.hostname}`,
                  ...rule.access,
                }),
              ],
            ],
      ),
    );
  }
}

function validate(path: string, props: CloudflareTunnelProps): void {
  requireMatch(path, "accountId", props.accountId, CLOUDFLARE_ID, "expected a Cloudflare account id (32 lowercase hex digits)");
  requireMatch(path, "name", props.name, /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, "expected a tunnel name of lowercase letters, digits and dashes, <project>-<env>-<host>");
  if (props.ingress.length === 0) throw new PropsError(path, "ingress", props.ingress, "expected at least one hostname -> service rule");
  const hostnames = new Set<string>();
  for (const rule of props.ingress) {
    requireMatch(path, "ingress[].hostname", rule.hostname, DNS_NAME, "expected a lowercase domain name such as drive.example.net");
    requireMatch(path, `ingress[${rule.hostname}].service`, rule.service, TUNNEL_SERVICE, 'expected an origin service such as "http://localhost:8080" (http, https, tcp, ssh, rdp, unix) or "http_status:404"');
    const problem = tunnelServiceProblem(rule.service, rule.access !== undefined, props.guardedPorts ?? GUARDED_PORTS);
    if (problem !== undefined) throw new PropsError(path, `ingress[${rule.hostname}].service`, rule.service, `expected a service on this host, and Cloudflare Access for SSH, raw streams and guarded ports: it ${problem}`);
    requireMatch(path, `ingress[${rule.hostname}].zoneId`, rule.zoneId, CLOUDFLARE_ID, "expected a Cloudflare zone id (32 lowercase hex digits)");
    if (hostnames.has(rule.hostname)) throw new PropsError(path, "ingress[].hostname", rule.hostname, "expected each hostname once (the first matching rule wins, a second would never be used)");
    hostnames.add(rule.hostname);
  }
}
