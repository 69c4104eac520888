package eventhandler.autolock;

import eventhandler.teleport.proto.types.LockV2;

/** Creates or replaces a Teleport lock (the {@code UpsertLock} call). */
@FunctionalInterface
public interface LockWriter {
  void upsert(LockV2 lock) throws Exception;
}
