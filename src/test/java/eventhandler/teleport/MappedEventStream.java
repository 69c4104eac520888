package eventhandler.teleport;

import java.util.function.Function;

/** Another stream's items, each mapped as it is read (tests decode fake streams with it). */
public final class MappedEventStream<T, R> implements EventStream<R> {
  private final EventStream<T> source;
  private final Function<T, R> mapper;

  public MappedEventStream(EventStream<T> source, Function<T, R> mapper) {
    this.source = source;
    this.mapper = mapper;
  }

  @Override
  public boolean hasNext() {
    return source.hasNext();
  }

  @Override
  public R next() {
    return mapper.apply(source.next());
  }

  @Override
  public void close() {
    source.close();
  }
}
