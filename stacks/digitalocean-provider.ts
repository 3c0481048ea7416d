import { TerraformVariable } from "cdktf";
import { DigitaloceanProvider } from "@cdktf/provider-digitalocean/lib/provider";
import type { Construct } from "constructs";

export interface DigitalOceanProviderOptions {
  /** Also declare the Spaces credentials the provider needs to manage buckets. @default false */
  readonly spaces?: boolean;
}

/**
 * The DigitalOcean provider with credentials as sensitive Terraform variables, set at deploy
 * time as TF_VAR_do_token (and TF_VAR_spaces_access_id / TF_VAR_spaces_secret_key). They never
 * appear in the synthesized files.
 */
export function addDigitalOceanProvider(scope: Construct, options: DigitalOceanProviderOptions = {}): DigitaloceanProvider {
  const token = sensitiveVariable(scope, "do_token", "DigitalOcean API token (set TF_VAR_do_token)");
  if (options.spaces !== true) return new DigitaloceanProvider(scope, "digitalocean", { token: token.stringValue });
  const accessId = sensitiveVariable(scope, "spaces_access_id", "Spaces access key id used to manage buckets (set TF_VAR_spaces_access_id)");
  const secretKey = sensitiveVariable(scope, "spaces_secret_key", "Spaces secret key used to manage buckets (set TF_VAR_spaces_secret_key)");
  return new DigitaloceanProvider(scope, "digitalocean", {
    token: token.stringValue,
    spacesAccessId: accessId.stringValue,
    spacesSecretKey: secretKey.stringValue,
  });
}

function sensitiveVariable(scope: Construct, name: string, description: string): TerraformVariable {
  return new TerraformVariable(scope, name, { type: "string", sensitive: true, nullable: false, description });
}
