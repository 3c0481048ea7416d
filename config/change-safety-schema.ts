import { z } from "zod";

/**
 * The settings of the synth's change review: `allow_replace` (replacements confirmed with a
 * written reason) and `prices` (monthly droplet prices over config/prices.ts).
 */
const resourceAddress = z
  .string()
  .max(200, { error: "expected a Terraform resource address of at most 200 characters" })
  .regex(/^[a-z][a-z0-9_]*\.[A-Za-z0-9_-]+$/, { error: "expected a Terraform resource address such as digitalocean_droplet.app, as the synth review shows it" });

const writtenReason = z
  .string()
  .max(500, { error: "expected a reason of at most 500 characters" })
  .regex(/^[^\p{Cc}\p{Cf}\p{Zl}\p{Zp}]*$/u, { error: "expected plain text on one line (no control, format or line-separator characters)" })
  .refine((reason) => reason.trim().length >= 12, { error: "expected a written reason (at least 12 characters) saying why this resource may be replaced or removed" });

/** Address -> reason: each replacement or removal of a protected resource confirmed on purpose. */
export const allowReplaceSchema = z.record(resourceAddress, writtenReason).default({});

/** Size slug -> US dollars a month. */
export const pricesSchema = z
  .record(
    z.string().max(64, { error: "expected a DigitalOcean size slug such as s-2vcpu-4gb" }).regex(/^[a-z0-9]+(-[a-z0-9]+)+$/, { error: "expected a DigitalOcean size slug such as s-2vcpu-4gb" }),
    z.number().min(0, { error: "expected a monthly price of 0 or more" }),
  )
  .default({});
