// The two globals of the WHATWG Encoding standard that every JS engine we target has (Node, browsers).
// Declared here because the core is compiled without Node or DOM types.
declare class TextEncoder {
  encode(input?: string): Uint8Array;
  encodeInto(source: string, destination: Uint8Array): { read: number; written: number };
}
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean });
  decode(input?: Uint8Array): string;
}
