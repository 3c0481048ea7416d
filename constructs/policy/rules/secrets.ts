import { secretKindIn } from "../../../config/secret-patterns";
import { finding } from "../finding";
import { stringsIn } from "../synthesized-blocks";
import type { Policy } from "../types";

/** Attributes that carry credentials: they may only hold references (`${var.do_token}`), never literals. */
const CREDENTIAL_ATTRIBUTE = /(^|[._])(token|api_token|secret|secret_key|tunnel_secret|password|private_key|api_key|access_id|access_key)$/;

/** SEC-001: no synthesized attribute (resource, output, provider, user data...) holds a credential. */
export const secretsPolicy: Policy = {
  id: "SEC-001",
  check(blocks, context) {
    const options = { publicValues: context.publicKeyValues ?? [] };
    return blocks.flatMap((block) =>
      stringsIn(block.attributes).flatMap(({ path, text }) => {
        const kind = secretKindIn(text, options);
        if (kind !== undefined) return [finding("SEC-001", block, `${path || "value"} holds what looks like a ${kind} (value not shown)`)];
        if (block.section !== "variable" && CREDENTIAL_ATTRIBUTE.test(path) && text !== "" && !text.includes("${")) {
          return [finding("SEC-001", block, `${path} is a credential attribute holding a literal value (value not shown); it must reference a sensitive variable`)];
        }
        return [];
      }),
    );
  },
};
