import { z } from "zod";

/**
 * Who may pass the Cloudflare Access protection of a tunnel hostname: named people (e-mail
 * addresses), everyone of an e-mail domain, or an Access group managed in the Zero Trust
 * dashboard. Shared by the config schema and the Access construct.
 */

export const ACCESS_EMAIL = /^[A-Za-z0-9._%+-]{1,64}@(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
export const ACCESS_EMAIL_DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
export const ACCESS_GROUP_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const accessSchema = z
  .strictObject({
    allowed_emails: z.array(z.string().regex(ACCESS_EMAIL, { error: "expected an e-mail address such as ops@example.org" })).optional(),
    allowed_email_domains: z.array(z.string().regex(ACCESS_EMAIL_DOMAIN, { error: "expected a lowercase e-mail domain such as example.org" })).optional(),
    group_ids: z.array(z.string().regex(ACCESS_GROUP_ID, { error: "expected an Access group id (a UUID from the Zero Trust dashboard)" })).optional(),
  })
  .refine((access) => (access.allowed_emails?.length ?? 0) + (access.allowed_email_domains?.length ?? 0) + (access.group_ids?.length ?? 0) > 0, {
    error: "expected at least one of allowed_emails, allowed_email_domains or group_ids: an Access protection that names no one lets no one in",
  });

/** An Access protection as the constructs take it. */
export interface AccessProtection {
  readonly allowedEmails: readonly string[];
  readonly allowedEmailDomains: readonly string[];
  readonly groupIds: readonly string[];
}

export function toAccessProtection(raw: z.output<typeof accessSchema>): AccessProtection {
  return { allowedEmails: raw.allowed_emails ?? [], allowedEmailDomains: raw.allowed_email_domains ?? [], groupIds: raw.group_ids ?? [] };
}
