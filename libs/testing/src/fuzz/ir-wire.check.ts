// Whether a value the parsers produced is a well-formed IR message: it must survive the
// protobuf encoding that carries it between services in cluster mode unchanged. The generated
// encoders refuse bad integers and enums themselves (a function where an enum belongs, a
// negative or fractional token count) but silently coerce strings, booleans and doubles, so the
// decoded value is compared with the original field by field.

/** What the check needs of a ts-proto message (`ChatRequest`, `ResponseEvent`, …). */
export interface WireCodec<T> {
  encode(message: T): { finish(): Uint8Array };
  decode(input: Uint8Array): T;
}

// Protobuf strings are UTF-8: a lone surrogate is sent as U+FFFD, which is the encoding's
// business, not a parser bug.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Undefined when `value` crosses the wire intact, else where and how it differs. */
export function wireMismatch<T>(codec: WireCodec<T>, value: T): string | undefined {
  let decoded: unknown;
  try {
    decoded = codec.decode(codec.encode(value).finish());
  } catch (err) {
    return `does not encode: ${(err as Error).message}`;
  }
  return mismatch(value, decoded, '$');
}

function mismatch(orig: unknown, dec: unknown, at: string): string | undefined {
  if (orig === undefined) return undefined;
  switch (typeof orig) {
    case 'string':
      return (dec ?? '') === orig.replace(LONE_SURROGATE, '\ufffd') ? undefined : `${at}: ${JSON.stringify(orig)} came back as ${JSON.stringify(dec)}`;
    case 'number':
      // `repeated float` (embedding values) keeps 32 bits.
      return (dec ?? 0) === orig || (dec ?? 0) === Math.fround(orig) ? undefined : `${at}: ${orig} came back as ${String(dec)}`;
    case 'boolean':
      return (dec ?? false) === orig ? undefined : `${at}: ${orig} came back as ${String(dec)}`;
    case 'object': {
      if (orig === null) return `${at}: null is not an IR value`;
      if (Array.isArray(orig)) {
        const list = (dec ?? []) as unknown[];
        if (!Array.isArray(list) || list.length !== orig.length) return `${at}: array of ${orig.length} came back as ${JSON.stringify(dec)}`;
        for (let i = 0; i < orig.length; i++) {
          const m = mismatch(orig[i], list[i], `${at}[${i}]`);
          if (m) return m;
        }
        return undefined;
      }
      if (dec === null || typeof dec !== 'object') return `${at}: object came back as ${String(dec)}`;
      for (const [k, v] of Object.entries(orig)) {
        const m = mismatch(v, (dec as Record<string, unknown>)[k], `${at}.${k}`);
        if (m) return m;
      }
      return undefined;
    }
    default:
      return `${at}: a ${typeof orig} is not an IR value`;
  }
}
