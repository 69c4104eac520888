package eventhandler.config;

/**
 * The text of a setting before conversion, and where it came from. Lists are comma-joined (a TOML
 * array {@code ["a", "b"]} becomes {@code a,b}).
 */
public record RawValue(String text, Source source) {}
