import { ZeroTrustAccessApplication } from "@cdktf/provider-cloudflare/lib/zero-trust-access-application";
import { ZeroTrustAccessPolicy, type ZeroTrustAccessPolicyInclude } from "@cdktf/provider-cloudflare/lib/zero-trust-access-policy";
import { Construct } from "constructs";
import { ACCESS_EMAIL, ACCESS_EMAIL_DOMAIN, ACCESS_GROUP_ID, type AccessProtection } from "../config/cloudflare-access";
import { CLOUDFLARE_ID, DNS_NAME } from "./cloudflare-records";
import { PropsError, requireMatch } from "./validation";

export interface CloudflareAccessProps extends AccessProtection {
  readonly accountId: string;
  /** The public hostname to protect, e.g. `ssh.example.net`. */
  readonly hostname: string;
  /** Shown in the Zero Trust dashboard. */
  readonly name: string;
  /** How long a login lasts before Access asks again. @default "24h" */
  readonly sessionDuration?: string;
}

/**
 * Cloudflare Access in front of one public hostname: a self-hosted application for the
 * hostname and one allow policy naming who may pass (e-mails, e-mail domains, Access groups).
 * Everyone else is refused at Cloudflare's edge, before any packet reaches the tunnel.
 */
export class CloudflareAccess extends Construct {
  readonly policy: ZeroTrustAccessPolicy;
  readonly application: ZeroTrustAccessApplication;

  constructor(scope: Construct, id: string, props: CloudflareAccessProps) {
    super(scope, id);
    validate(this.node.path, props);
    const include: ZeroTrustAccessPolicyInclude[] = [
      ...props.allowedEmails.map((email) => ({ email: { email } })),
      ...props.allowedEmailDomains.map((domain) => ({ emailDomain: { domain } })),
      ...props.groupIds.map((groupId) => ({ group: { id: groupId } })),
    ];
    this.policy = new ZeroTrustAccessPolicy(this, "policy", {
      accountId: props.accountId,
      name: `${props.name} (allowed people)`,
      decision: "allow",
      include,
    });
    this.application = new ZeroTrustAccessApplication(this, "application", {
      accountId: props.accountId,
      name: props.name,
      type: "self_hosted",
      domain: props.hostname,
      sessionDuration: props.sessionDuration ?? "24h",
      policies: [{ id: this.policy.id, precedence: 1 }],
    });
  }
}

function validate(path: string, props: CloudflareAccessProps): void {
  requireMatch(path, "accountId", props.accountId, CLOUDFLARE_ID, "expected a Cloudflare account id (32 lowercase hex digits)");
  requireMatch(path, "hostname", props.hostname, DNS_NAME, "expected a lowercase domain name such as ssh.example.net");
  requireMatch(path, "name", props.name, /^[A-Za-z0-9 ._()-]{1,100}$/, "expected 1-100 letters, digits, spaces or ._()-");
  if (props.allowedEmails.length + props.allowedEmailDomains.length + props.groupIds.length === 0) {
    throw new PropsError(path, "allowedEmails", props.allowedEmails, "expected at least one allowed e-mail, e-mail domain or Access group: a protection naming no one lets no one in");
  }
  props.allowedEmails.forEach((email) => requireMatch(path, "allowedEmails[]", email, ACCESS_EMAIL, "expected an e-mail address such as ops@example.org"));
  props.allowedEmailDomains.forEach((domain) => requireMatch(path, "allowedEmailDomains[]", domain, ACCESS_EMAIL_DOMAIN, "expected a lowercase e-mail domain such as example.org"));
  props.groupIds.forEach((group) => requireMatch(path, "groupIds[]", group, ACCESS_GROUP_ID, "expected an Access group id (a UUID)"));
  if (props.sessionDuration !== undefined) requireMatch(path, "sessionDuration", props.sessionDuration, /^[0-9]{1,4}(m|h)$/, 'expected a duration such as "30m" or "24h"');
}
