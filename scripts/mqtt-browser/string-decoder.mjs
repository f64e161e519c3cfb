// `string_decoder` as readable-stream uses it: only when a stream is given an encoding
// (`setEncoding()` or the `encoding` option), which nothing in the bundle does. Kept: UTF-8, on the
// browser's own TextDecoder, a character split across chunks included. Removed: every other
// encoding (hex, base64, latin1, UTF-16), which throws here instead of decoding.
export class StringDecoder {
  constructor(encoding = 'utf8') {
    if (!/^utf-?8$/i.test(encoding)) throw new TypeError(`Unsupported encoding in this bundle: ${encoding}`);
    this.encoding = 'utf8';
    // Node keeps a leading byte-order mark as U+FEFF; a default TextDecoder would drop it.
    this.decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  }

  write(bytes) {
    return this.decoder.decode(bytes, { stream: true });
  }

  end(bytes) {
    return (bytes ? this.write(bytes) : '') + this.decoder.decode();
  }
}
