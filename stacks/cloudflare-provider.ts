import { TerraformVariable } from "cdktf";
import { CloudflareProvider } from "@cdktf/provider-cloudflare/lib/provider";
import type { Construct } from "constructs";

/** Name of the Terraform variable holding the Cloudflare API token (TF_VAR_cloudflare_api_token). */
export const CLOUDFLARE_TOKEN_VARIABLE = "cloudflare_api_token";

/**
 * The Cloudflare provider with its API token as a sensitive Terraform variable, set at deploy
 * time as TF_VAR_cloudflare_api_token. It never appears in the synthesized files.
 */
export function addCloudflareProvider(scope: Construct): CloudflareProvider {
  const token = new TerraformVariable(scope, CLOUDFLARE_TOKEN_VARIABLE, {
    type: "string",
    sensitive: true,
    nullable: false,
    description: "Cloudflare API token with DNS edit on the zones and Cloudflare Tunnel edit on the account (set TF_VAR_cloudflare_api_token)",
  });
  return new CloudflareProvider(scope, "cloudflare", { apiToken: token.stringValue });
}
