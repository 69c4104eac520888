package eventhandler.cli;

import picocli.CommandLine;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Converters for numeric options whose errors say what is expected in words. */
final class NumberOptions {
  private NumberOptions() {}

  static void registerOn(CommandLine commandLine) {
    ITypeConverter<Long> wholeNumber =
        text -> {
          try {
            return Long.parseLong(text.strip());
          } catch (NumberFormatException e) {
            throw new TypeConversionException(expected("a whole number, like 20000", text));
          }
        };
    ITypeConverter<Integer> smallWholeNumber =
        text -> {
          try {
            return Integer.parseInt(text.strip());
          } catch (NumberFormatException e) {
            throw new TypeConversionException(expected("a whole number, like 5", text));
          }
        };
    ITypeConverter<Double> decimal =
        text -> {
          try {
            return Double.parseDouble(text.strip());
          } catch (NumberFormatException e) {
            throw new TypeConversionException(expected("a number, like 0.25", text));
          }
        };
    commandLine
        .registerConverter(long.class, wholeNumber)
        .registerConverter(Long.class, wholeNumber)
        .registerConverter(int.class, smallWholeNumber)
        .registerConverter(Integer.class, smallWholeNumber)
        .registerConverter(double.class, decimal)
        .registerConverter(Double.class, decimal);
  }

  private static String expected(String what, String text) {
    return "expected " + what + ", got '" + text + "'";
  }
}
