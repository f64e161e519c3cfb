// `debug`: logging is never enabled in the drop-in bundle.
const noop = () => {};
noop.enabled = false;
export default () => noop;
