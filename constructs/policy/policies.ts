import { dropletMonitoringPolicy, dropletSshKeysPolicy } from "./rules/droplet-baseline";
import { hostUfwPolicy } from "./rules/host-ufw";
import { internalPortsPolicy } from "./rules/internal-ports";
import { publicBucketsPolicy } from "./rules/public-buckets";
import { secretsPolicy } from "./rules/secrets";
import { sshFromAnywherePolicy } from "./rules/ssh-from-anywhere";
import { stateBucketPolicy } from "./rules/state-bucket";
import { tunnelIngressPolicy } from "./rules/tunnel-ingress";
import { wireguardPortPolicy } from "./rules/wireguard-port";
import type { Policy } from "./types";

/** Every policy checked on synth, in report order (same order as the catalog). */
export const ALL_POLICIES: readonly Policy[] = [
  internalPortsPolicy,
  sshFromAnywherePolicy,
  wireguardPortPolicy,
  tunnelIngressPolicy,
  publicBucketsPolicy,
  stateBucketPolicy,
  dropletSshKeysPolicy,
  dropletMonitoringPolicy,
  hostUfwPolicy,
  secretsPolicy,
];
