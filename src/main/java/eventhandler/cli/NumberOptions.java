package eventhandler.cli;

import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Converters for numeric options whose errors say what is expected in words. */
final class NumberOptions {
  private NumberOptions() {}

  static void registerOn(CommandLine commandLine) {
    ITypeConverter<Long> wholeNumber = number(Long::parseLong, "a whole number, like 20000");
    ITypeConverter<Integer> smallWholeNumber = number(Integer::parseInt, "a whole number, like 5");
    ITypeConverter<Double> decimal = number(Double::parseDouble, "a number, like 0.25");
    commandLine
        .registerConverter(long.class, wholeNumber)
        .registerConverter(Long.class, wholeNumber)
        .registerConverter(int.class, smallWholeNumber)
        .registerConverter(Integer.class, smallWholeNumber)
        .registerConverter(double.class, decimal)
        .registerConverter(Double.class, decimal);
  }

  private static <T> ITypeConverter<T> number(Function<String, T> parse, String what) {
    return text -> {
      try {
        return parse.apply(text.strip());
      } catch (NumberFormatException e) {
        throw new TypeConversionException("expected " + what + ", got '" + text + "'");
      }
    };
  }
}
