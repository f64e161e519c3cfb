// Stands in for modules a browser WebSocket client never runs: Node's `ws`, MQTT.js's TCP, TLS,
// SOCKS, WeChat and Alipay transports (MQTT.js picks them only outside a browser, or for
// wx:// and ali:// URLs).
export default undefined;
