kind: role
metadata:
  name: teleport-event-handler
spec:
  allow:
    rules:
      - resources: ['event', 'session']
        verbs: ['list','read']
      # Auto-lock (start --lock-enabled) locks users after repeated failed logins and
      # needs this rule too. Uncomment the two lines below if you enable it.
      # - resources: ['lock']
      #   verbs: ['list', 'read', 'create', 'update']
version: v5
---
kind: user
metadata:
  name: teleport-event-handler
spec:
  roles: ['teleport-event-handler']
version: v2
