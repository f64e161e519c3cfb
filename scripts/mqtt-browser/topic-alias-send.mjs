// MQTT 5 outgoing topic aliases (and with them lru-cache): only created when a v5 CONNACK
// announces topicAliasMaximum, which never happens on the MQTT 3.1.1 connections this bundle opens.
export default class TopicAliasSend {
  constructor() {
    throw new Error('MQTT 5 topic aliases are not included in this build');
  }
}
