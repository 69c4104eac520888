package eventhandler.state;

import eventhandler.files.PrivateFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;

/**
 * The storage directory, in the Go plugin's layout and file formats so a user can switch between
 * the Go binary and this one in either direction and resume where the other stopped.
 *
 * <p>Layout of {@code <storage>/<host>_<port>/} (a flat diskv store in Go), each file's format and
 * checks in the class named:
 *
 * <ul>
 *   <li>{@code start_time} ({@link TimeFile}): when the export began;
 *   <li>{@code window_time}, {@code cursor}, {@code id} ({@link SearchCursorFiles}): where search
 *       paging resumes;
 *   <li>{@code session<sid>}, {@code missing_recording<sid>} ({@link SessionFiles}): recordings in
 *       progress and recordings not found yet;
 *   <li>{@code cursor_v2/<YYYY-MM-DD>/} ({@link ChunkCursorFiles}): where the bulk export resumes.
 * </ul>
 *
 * <p>{@link #check} judges them all, and how they agree, before an export reads anything.
 *
 * <p>Every file is replaced atomically and durably (temporary file, fsync, rename); new files get
 * mode 0600 and new directories 0700. {@code completed-chunks} is the one file appended to in place
 * (as Go does). Leftover temporary files from a crash are removed on open. A write that fails names
 * the file and the cause.
 *
 * <p>One process per storage directory. Methods are safe to call from several threads; writes to
 * the same key are last-writer-wins.
 *
 * <p>Longer than 300 lines only through one-line delegations and their javadoc: the one surface the
 * flows use, while each file's format lives in its own class.
 */
public final class StateStore {
  static final String START_TIME = "start_time";
  static final String DRY_RUN = "dry_run";

  private final Path dir;
  private final TimeFile startTime;
  private final SearchCursorFiles search;
  private final SessionFiles sessions;
  private final ChunkCursorFiles chunks;
  private final WindowsAheadFile windowsAhead;
  private volatile boolean cursorDamaged;

  private StateStore(Path dir, StateFiles.Writer writer) {
    this.dir = dir;
    StateFiles files = new StateFiles(writer);
    this.startTime = new TimeFile(dir.resolve(START_TIME), files);
    this.search = new SearchCursorFiles(dir, files);
    this.sessions = new SessionFiles(dir, files);
    this.chunks = new ChunkCursorFiles(dir, files);
    this.windowsAhead = new WindowsAheadFile(dir, files);
  }

  /** Opens (creating if needed) {@code <storage>/<host>_<port>/} for {@code --teleport-addr}. */
  public static StateStore open(Path storage, String teleportAddr) throws IOException {
    return openDirectory(storage.resolve(directoryName(teleportAddr)));
  }

  /**
   * Opens a fresh store for {@code --dry-run} in {@code <storage>/<host>_<port>/dry_run/<random>},
   * as the Go plugin does, so a dry run never moves the real cursors.
   */
  public static StateStore openDryRun(Path storage, String teleportAddr, SecureRandom random)
      throws IOException {
    byte[] bytes = new byte[16];
    random.nextBytes(bytes);
    return openDirectory(
        storage
            .resolve(directoryName(teleportAddr))
            .resolve(DRY_RUN)
            .resolve(HexFormat.of().formatHex(bytes)));
  }

  /**
   * The start time stored for {@code teleportAddr}, read without creating anything (for {@code
   * start --check}); empty when there is none, or none to trust (damaged, after now or after
   * window_time: the start-up check replaces such a one with {@code --start-time}).
   */
  public static Optional<Instant> storedStartTime(Path storage, String teleportAddr, Clock clock)
      throws IOException {
    Path dir = storage.resolve(directoryName(teleportAddr));
    if (!Files.isDirectory(dir)) {
      return Optional.empty();
    }
    StateStore store = new StateStore(dir, StateFiles.ATOMIC);
    TimeFile.Content start = store.startTime.read();
    TimeFile.Content window = store.search.windowTimeFile().read();
    return StateCheck.startTimeProblem(start, window, clock.instant()) == null
        ? start.value()
        : Optional.empty();
  }

  /** Opens (creating if needed) a store in exactly {@code dir}. */
  public static StateStore openDirectory(Path dir) throws IOException {
    return openDirectory(dir, StateFiles.ATOMIC);
  }

  static StateStore openDirectory(Path dir, StateFiles.Writer writer) throws IOException {
    PrivateFiles.createDirectories(dir);
    StateStore store = new StateStore(dir, writer);
    StateFiles.removeTemporaryFilesIn(dir);
    store.chunks.removeTemporaryFiles();
    return store;
  }

  /**
   * The store's directory name for a Teleport address, {@code host_port}, split the way Go's {@code
   * net.SplitHostPort} does ({@code [::1]:3025} gives {@code ::1_3025}).
   *
   * @throws IllegalArgumentException if the address is not {@code host:port}
   */
  public static String directoryName(String teleportAddr) {
    return StateDirectoryName.of(teleportAddr);
  }

  public Path directory() {
    return dir;
  }

  /**
   * Judges every file and how they agree, before the export reads anything: repairs what can be
   * repaired without losing an event (one warning per file, naming it), and throws for what cannot
   * (naming the file, what is wrong, and the fix).
   *
   * @param configuredStart {@code --start-time}, which may replace a damaged {@code start_time}
   * @throws CorruptStateException when no position is known to resume from without a loss
   */
  public void check(Optional<Instant> configuredStart, Clock clock) throws IOException {
    new StateCheck(this, clock).run(configuredStart);
  }

  // ---- start time, search paging --------------------------------------------------------------

  /** The export start time; it cannot change once set. */
  public Optional<Instant> startTime() throws IOException {
    return startTime.value("Give --start-time with the time this export began");
  }

  public void setStartTime(Instant time) throws IOException {
    startTime.write(Optional.of(time));
  }

  TimeFile startTimeFile() {
    return startTime;
  }

  SearchCursorFiles search() {
    return search;
  }

  /** The catch-up's side file {@code windows_ahead}, for messages about it. */
  public Path windowsAheadFile() {
    return windowsAhead.path();
  }

  WindowsAheadFile windowsAheadFiles() {
    return windowsAhead;
  }

  SessionFiles sessionFiles() {
    return sessions;
  }

  ChunkCursorFiles chunkFiles() {
    return chunks;
  }

  /** Start of the time window the search paging was reading. */
  public Optional<Instant> windowTime() throws IOException {
    return search.windowTime();
  }

  public void setWindowTime(Optional<Instant> windowTime) throws IOException {
    search.setWindowTime(windowTime);
  }

  /** The search page cursor; empty when not set. */
  public String cursor() throws IOException {
    return search.cursor();
  }

  public void setCursor(String cursor) throws IOException {
    search.setCursor(cursor);
  }

  /** The file {@code cursor}, for messages about it. */
  public Path cursorFile() {
    return search.cursorFile();
  }

  /**
   * Whether {@link #check} found the page cursor damaged and emptied it: the window is then read
   * again from its start, skipping events up to {@link #lastId()}.
   */
  public boolean cursorDamaged() {
    return cursorDamaged;
  }

  void markCursorDamaged() {
    cursorDamaged = true;
  }

  /** The id of the last exported event (search paging); empty when not set. */
  public String lastId() throws IOException {
    return search.lastId();
  }

  public void setLastId(String lastId) throws IOException {
    search.setLastId(lastId);
  }

  /**
   * The search catch-up's windows ahead of {@code window_time} ({@code windows_ahead}, not a Go
   * plugin file); empty when there are none. The start-up check removed one that does not follow
   * the Go files beside it.
   */
  public Optional<WindowsAhead> windowsAhead() throws IOException {
    try {
      return windowsAhead.read();
    } catch (IllegalArgumentException e) {
      return Optional.empty(); // damaged since the check: read again from window_time
    }
  }

  /** Saves the windows ahead; empty removes the file. */
  public void setWindowsAhead(Optional<WindowsAhead> ahead) throws IOException {
    if (ahead.isPresent()) {
      windowsAhead.write(ahead.get());
    } else {
      windowsAhead.delete();
    }
  }

  public LegacyCursor legacyCursor() throws IOException {
    return new LegacyCursor(cursor(), lastId(), windowTime());
  }

  /**
   * Writes {@code cursor}, {@code id} and {@code window_time}, each atomically, in the Go plugin's
   * order. Three files cannot change in one step; a crash between them can only make the next start
   * send some events again.
   */
  public void setLegacyCursor(LegacyCursor legacy) throws IOException {
    setCursor(legacy.cursor());
    setLastId(legacy.lastId());
    setWindowTime(legacy.windowStart());
  }

  // ---- session recordings -----------------------------------------------------------------------

  /** Sessions whose recording is being exported: session id to the index to resume from. */
  public SortedMap<String, Long> sessions() throws IOException {
    return sessions.sessions();
  }

  /** Whether {@code session<sid>} exists: one file looked at, not the whole directory. */
  public boolean hasSession(String sessionId) {
    return sessions.hasSession(sessionId);
  }

  /** The file {@code session<sid>}, for messages about it. */
  public Path sessionFile(String sessionId) {
    return sessions.sessionFile(sessionId);
  }

  public void setSessionIndex(String sessionId, long index) throws IOException {
    sessions.setSessionIndex(sessionId, index);
  }

  public void removeSession(String sessionId) throws IOException {
    sessions.removeSession(sessionId);
  }

  /** Sessions whose recording was not found yet, to be tried again later. */
  public SortedMap<String, MissingRecording> missingRecordings() throws IOException {
    return sessions.missingRecordings();
  }

  /**
   * Records a session whose recording was not found and forgets its {@code session<sid>} entry, as
   * the Go plugin does.
   */
  public void setMissingRecording(String sessionId, MissingRecording record) throws IOException {
    sessions.setMissingRecording(sessionId, record);
  }

  /** The file {@code missing_recording<sid>}, for messages about it. */
  public Path missingRecordingFile(String sessionId) {
    return sessions.missingFile(sessionId);
  }

  public void removeMissingRecording(String sessionId) throws IOException {
    sessions.removeMissingRecording(sessionId);
  }

  // ---- bulk export cursor (cursor_v2) -----------------------------------------------------------

  /** The UTC dates the bulk export has state for, oldest first. */
  public SortedSet<LocalDate> dates() throws IOException {
    return chunks.dates();
  }

  /** Starts tracking {@code date}; its directory's existence matters even while empty. */
  public void addDate(LocalDate date) throws IOException {
    chunks.addDate(date);
  }

  /** Chunks of {@code date} exported completely, in the order they completed. */
  public Set<String> completedChunks(LocalDate date) throws IOException {
    return chunks.completedChunks(date);
  }

  /**
   * Appends {@code chunk} to {@code completed-chunks} durably, then removes its {@code .chunk}
   * cursor file. A crash in between leaves both; the completed list wins.
   */
  public void markChunkCompleted(LocalDate date, String chunk) throws IOException {
    chunks.markChunkCompleted(date, chunk);
  }

  /** Cursors of the chunks of {@code date} in progress (completed chunks are left out). */
  public SortedMap<String, String> chunkCursors(LocalDate date) throws IOException {
    return chunks.chunkCursors(date);
  }

  public void setChunkCursor(LocalDate date, String chunk, String cursor) throws IOException {
    chunks.setChunkCursor(date, chunk, cursor);
  }

  /** The file {@code cursor_v2/<date>/<chunk>.chunk}, for messages about it. */
  public Path chunkCursorFile(LocalDate date, String chunk) {
    return chunks.cursorFile(date, chunk);
  }

  /** Forgets {@code date} entirely (its directory and everything in it). */
  public void removeDate(LocalDate date) throws IOException {
    chunks.removeDate(date);
  }
}
