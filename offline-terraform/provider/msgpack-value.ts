import { decode, encode, ExtensionCodec } from "@msgpack/msgpack";

/** An unknown value ("known after apply"). */
export const UNKNOWN: unique symbol = Symbol("unknown");

export type Value = null | boolean | number | string | Uint8Array | UNKNOWN_VALUE | Value[] | { [key: string]: Value };
type UNKNOWN_VALUE = typeof UNKNOWN;

/**
 * cty's msgpack encoding (what Terraform sends in DynamicValue.msgpack): an unknown value is
 * extension type 0; Terraform >= 1.6 may send a refined unknown as extension type 12.
 */
const UNKNOWN_EXTENSION = 0;
const REFINED_UNKNOWN_EXTENSION = 12;

const codec = new ExtensionCodec();
codec.register({
  type: UNKNOWN_EXTENSION,
  encode: (value: unknown) => (value === UNKNOWN ? new Uint8Array([0]) : null),
  decode: () => UNKNOWN,
});
codec.register({ type: REFINED_UNKNOWN_EXTENSION, encode: () => null, decode: () => UNKNOWN });

export function decodeValue(bytes: Uint8Array | undefined): Value {
  if (bytes === undefined || bytes.length === 0) return null;
  return decode(bytes, { extensionCodec: codec, useBigInt64: false }) as Value;
}

export function encodeValue(value: Value): Uint8Array {
  return encode(value, { extensionCodec: codec, ignoreUndefined: false });
}

export function isObject(value: Value): value is { [key: string]: Value } {
  return value !== null && typeof value === "object" && !Array.isArray(value) && !(value instanceof Uint8Array);
}
