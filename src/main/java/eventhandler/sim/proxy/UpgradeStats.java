package eventhandler.sim.proxy;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** Counts what the Proxy front saw of connection upgrades and reverse tunnels, for tests. */
final class UpgradeStats {
  private final Map<UpgradeType, AtomicLong> upgrades = new EnumMap<>(UpgradeType.class);
  private final AtomicLong refusedUpgrades = new AtomicLong();
  private final AtomicLong pingsSent = new AtomicLong();
  private final AtomicLong pongsReceived = new AtomicLong();
  private final AtomicLong reverseTunnels = new AtomicLong();

  UpgradeStats() {
    for (UpgradeType type : UpgradeType.values()) {
      upgrades.put(type, new AtomicLong());
    }
  }

  void upgraded(UpgradeType type) {
    upgrades.get(type).incrementAndGet();
  }

  long upgrades(UpgradeType type) {
    return upgrades.get(type).get();
  }

  void refused() {
    refusedUpgrades.incrementAndGet();
  }

  long refusedUpgrades() {
    return refusedUpgrades.get();
  }

  AtomicLong pingsSent() {
    return pingsSent;
  }

  void pongReceived() {
    pongsReceived.incrementAndGet();
  }

  long pongsReceived() {
    return pongsReceived.get();
  }

  void reverseTunnelOpened() {
    reverseTunnels.incrementAndGet();
  }

  long reverseTunnels() {
    return reverseTunnels.get();
  }
}
