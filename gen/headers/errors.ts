/**
 * Error classes raised while reading the SDK headers.
 *
 * @module
 */

/** The hint printed whenever the SDK headers cannot be found. */
export const INSTALL_HINT =
  "install them with `apt-get install mingw-w64-x86-64-dev`, or set VSS_SDK_INCLUDE " +
  "to a directory that holds vss.h, vswriter.h, vsbackup.h, vsmgmt.h, vsserror.h and winerror.h";

/** The header directory or one of the header files is missing or unreadable. */
export class HeaderSourceError extends Error {
  /** The directory or file that could not be read. */
  readonly path: string;

  /**
   * @param path The directory or file that could not be read.
   * @param reason What went wrong (the install hint is appended).
   * @param options Standard error options (`cause`).
   */
  constructor(path: string, reason: string, options?: ErrorOptions) {
    super(`${reason}: ${path}; ${INSTALL_HINT}`, options);
    this.name = "HeaderSourceError";
    this.path = path;
  }
}

/** A header construct could not be parsed; names the header, the line and the offending text. */
export class HeaderParseError extends Error {
  /** Header file name, e.g. `vsbackup.h`. */
  readonly header: string;
  /** 1-based line number of the offending construct. */
  readonly line: number;
  /** The offending source text (the line, trimmed). */
  readonly text: string;
  /** The reason without location. */
  readonly reason: string;

  /**
   * @param header Header file name.
   * @param line 1-based line number.
   * @param text Offending source text.
   * @param reason What could not be parsed.
   * @param options Standard error options (`cause`).
   */
  constructor(header: string, line: number, text: string, reason: string, options?: ErrorOptions) {
    super(`${header}:${line}: ${reason}: \`${text}\``, options);
    this.name = "HeaderParseError";
    this.header = header;
    this.line = line;
    this.text = text;
    this.reason = reason;
  }
}
