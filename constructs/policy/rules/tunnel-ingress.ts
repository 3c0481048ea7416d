import { finding } from "../finding";
import { isOnTheHost, isRawStream } from "../../../config/tunnel-service";
import { tunnelIngressOf } from "../tunnel-ingress";
import type { Finding, Policy } from "../types";

/**
 * NET-004: a tunnel's public hostname publishes a service to the internet. It must be on the
 * tunnel's own host (loopback or a unix socket: anything else lets the internet into the VPC
 * or mesh), and a raw stream (SSH, TCP, RDP, SMB) is only published behind a Cloudflare Access
 * application that lets named people in. Web services without Access are inbound rules from
 * the world, so NET-001 and NET-002 refuse them on internal and SSH ports.
 */
export const tunnelIngressPolicy: Policy = {
  id: "NET-004",
  check(blocks) {
    return tunnelIngressOf(blocks).flatMap((ingress): Finding[] => {
      const at = `${ingress.origin} publishes ${ingress.hostname} -> ${JSON.stringify(ingress.service)}`;
      const service = ingress.parsed;
      if (service === undefined) return [finding("NET-004", ingress.block, `${at}: the service cannot be read, so what it exposes cannot be checked`)];
      if (!isOnTheHost(service)) {
        return [finding("NET-004", ingress.block, `${at}, a service on ${service.host ?? "another machine"}: tunnel services must be on the tunnel's host (localhost, 127.0.0.1, [::1] or a unix socket)`)];
      }
      if (ingress.protectedByAccess || !isRawStream(service)) return [];
      return [finding("NET-004", ingress.block, `${at}, a raw ${service.scheme.toUpperCase()} stream, to the whole internet without Cloudflare Access`)];
    });
  },
};
