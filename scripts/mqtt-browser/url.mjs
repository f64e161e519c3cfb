// The one call MQTT.js makes to Node's `url`: `url.parse(brokerUrl, true)`, done with WHATWG URL.
export function parse(href) {
  let url;
  let relative = false;
  try {
    url = new URL(href);
  } catch {
    url = new URL(href, 'ws://relative.invalid');
    relative = true;
  }
  const user = decodeURIComponent(url.username);
  return {
    protocol: relative ? null : url.protocol,
    hostname: relative ? null : url.hostname,
    port: relative || !url.port ? null : url.port,
    auth: user ? (url.password ? `${user}:${decodeURIComponent(url.password)}` : user) : null,
    query: Object.fromEntries(url.searchParams),
    path: url.pathname + url.search,
  };
}
export default { parse };
