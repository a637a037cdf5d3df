package dev.lethe.server;

/**
 * An error answered as an RFC 9457 problem: {@code type} is {@value #TYPE_BASE} followed by a
 * short slug, {@code title} names the kind of problem and {@code detail} this occurrence.
 */
public final class ProblemException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Prefix of every problem type URI. */
  public static final String TYPE_BASE = "https://lethe.dev/problems/";

  private final int status;
  private final String slug;
  private final String title;

  /**
   * @param status the HTTP status (4xx for the caller's mistakes, 5xx only for the server's own)
   * @param slug the problem type's last path segment, e.g. {@code unknown-member}
   * @param title a short summary of the problem type
   * @param detail what went wrong this time; never echoes secrets
   */
  public ProblemException(int status, String slug, String title, String detail) {
    super(detail);
    this.status = status;
    this.slug = slug;
    this.title = title;
  }

  public int status() {
    return status;
  }

  public String slug() {
    return slug;
  }

  public String title() {
    return title;
  }

  public String detail() {
    return getMessage();
  }

  static ProblemException badRequest(String slug, String detail) {
    return new ProblemException(400, slug, "Bad request", detail);
  }

  static ProblemException notFound(String slug, String detail) {
    return new ProblemException(404, slug, "Not found", detail);
  }

  static ProblemException unprocessable(String slug, String detail) {
    return new ProblemException(422, slug, "Unprocessable request", detail);
  }

  static ProblemException conflict(String slug, String detail) {
    return new ProblemException(409, slug, "Conflict", detail);
  }

  static ProblemException forbidden(String detail) {
    return new ProblemException(403, "forbidden", "Forbidden", detail);
  }

  static ProblemException unauthorized(String detail) {
    return new ProblemException(401, "unauthorized", "Authentication required", detail);
  }
}
