/** The `string_decoder` shim of the drop-in bundle (string-decoder.mjs): UTF-8 only. */
export declare class StringDecoder {
  constructor(encoding?: string);
  readonly encoding: 'utf8';
  write(bytes: Uint8Array): string;
  end(bytes?: Uint8Array): string;
}
