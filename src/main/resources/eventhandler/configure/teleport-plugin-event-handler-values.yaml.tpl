eventHandler:
  storagePath: "./storage"
  timeout: "10s"
  batch: 500
  namespace: "default"
  # The window size configures the duration of the time window for the event handler
  # to request events from Teleport. By default, this is set to 24 hours.
  # Reduce the window size if the events backend cannot manage the event volume
  # for the default window size.
  # The window size should be specified as a duration string, parsed by Go's time.ParseDuration.
  windowSize: "24h"

teleport:
  address: "{{address}}"
  identitySecretName: teleport-event-handler-identity
  identitySecretPath: identity

fluentd:
  # The same port and tags as fluent.conf: audit events go to the tag test.log
  # (<match test.log>), each session to session.<session id>.log (<match session.*.log>).
  # The host must be a name in server.crt: run configure with
  # --dns-names=fluentd.fluentd.svc.cluster.local (or your Fluentd service's name).
  url: "https://fluentd.fluentd.svc.cluster.local:8888/test.log"
  sessionUrl: "https://fluentd.fluentd.svc.cluster.local:8888/session"
  certificate:
    secretName: "teleport-event-handler-client-tls"
    caPath: "ca.crt"
    certPath: "client.crt"
    keyPath: "client.key"

persistentVolumeClaim:
  enabled: true
