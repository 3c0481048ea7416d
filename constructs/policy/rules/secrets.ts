import { secretKindIn } from "../../../config/secret-patterns";
import { finding } from "../finding";
import { stringsIn } from "../synthesized-blocks";
import type { Policy } from "../types";

/** SEC-001: no synthesized attribute (resource, output, provider, user data...) holds a credential. */
export const secretsPolicy: Policy = {
  id: "SEC-001",
  check(blocks) {
    return blocks.flatMap((block) =>
      stringsIn(block.attributes).flatMap(({ path, text }) => {
        const kind = secretKindIn(text);
        return kind === undefined ? [] : [finding("SEC-001", block, `${path || "value"} holds what looks like a ${kind} (value not shown)`)];
      }),
    );
  },
};
