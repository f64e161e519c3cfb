/** The `url` shim of the drop-in bundle (url.mjs): the one call MQTT.js makes to Node's `url`. */
export interface ParsedUrl {
  protocol: string | null;
  hostname: string | null;
  port: string | null;
  auth: string | null;
  query: Record<string, string>;
  path: string;
}
export declare function parse(href: string): ParsedUrl;
declare const url: { parse: typeof parse };
export default url;
