package io.rela.trainer;

/**
 * Input the trainer cannot use: a missing or corrupt file, or a configuration value out of
 * range. The message names the file or field; the CLI exits with {@link io.rela.api.contract.ExitCodes#BAD_INPUT}.
 */
public class BadInputException extends RuntimeException {

  public BadInputException(String message) {
    super(message);
  }

  public BadInputException(String message, Throwable cause) {
    super(message, cause);
  }
}
