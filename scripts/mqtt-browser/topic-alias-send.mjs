// MQTT 5 outgoing topic aliases, without lru-cache. MQTT.js makes one whenever an MQTT 5 CONNACK
// announces a Topic Alias Maximum (Mosquitto's does), and uses it only for a publish that names an
// alias or with `autoUseTopicAlias` / `autoAssignTopicAlias`, none of which this bundle uses: so
// every topic goes out in full, and this table stays empty.
export default class TopicAliasSend {
  put() {
    return false;
  }

  getTopicByAlias() {
    return undefined;
  }

  getAliasByTopic() {
    return undefined;
  }

  getLruAlias() {
    return undefined;
  }

  clear() {}
}
