package io.rela.trainer;

/** What a failure says, for a log line or a status: libraries wrap the cause a few times. */
public final class FailureText {

  private FailureText() {}

  /**
   * The first line of each distinct message down {@code e}'s cause chain, joined with ": " (at most
   * about 600 characters), or the exception's class when none has a message.
   */
  public static String of(Throwable e) {
    StringBuilder sb = new StringBuilder();
    for (Throwable c = e; c != null; c = c.getCause()) {
      String m = c.getMessage();
      String line = m == null ? null : m.lines().findFirst().orElse(m);
      if (line != null && !line.isBlank() && sb.indexOf(line) < 0) {
        if (sb.length() > 0) {
          sb.append(": ");
        }
        sb.append(line);
      }
      if (sb.length() > 600) {
        break;
      }
    }
    return sb.length() == 0 ? e.getClass().getSimpleName() : sb.toString();
  }
}
