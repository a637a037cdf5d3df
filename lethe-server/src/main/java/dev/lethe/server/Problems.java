package dev.lethe.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/** Writes RFC 9457 problem documents, from Javalin handlers and from Jetty itself. */
final class Problems {

  static final String MEDIA_TYPE = "application/problem+json";

  /** Set on a context once a problem (or an HTML error page) was written, so error handlers leave it. */
  static final String WRITTEN = "lethe.problem";

  private Problems() {}

  static ObjectNode json(int status, String slug, String title, String detail, String instance) {
    ObjectNode o = Json.object();
    o.put("type", ProblemException.TYPE_BASE + slug);
    o.put("title", title);
    o.put("status", status);
    o.put("detail", detail);
    if (instance != null) {
      o.put("instance", instance);
    }
    return o;
  }

  static void write(Context ctx, ProblemException p) {
    write(ctx, p.status(), p.slug(), p.title(), p.detail());
  }

  static void write(Context ctx, int status, String slug, String title, String detail) {
    ctx.attribute(WRITTEN, Boolean.TRUE);
    // As bytes: given a String, Jetty would encode it in ISO-8859-1 (it knows no charset for this media type), turning "≥" into "?".
    ctx.status(status).contentType(MEDIA_TYPE).result(json(status, slug, title, detail, ctx.path()).toString().getBytes(StandardCharsets.UTF_8));
  }

  /** The slug of a status that has no more specific problem type. */
  static String slugFor(int status) {
    return switch (status) {
      case 400 -> "bad-request";
      case 401 -> "unauthorized";
      case 403 -> "forbidden";
      case 404 -> "not-found";
      case 405 -> "method-not-allowed";
      case 413 -> "body-too-large";
      case 414 -> "uri-too-long";
      case 415 -> "unsupported-media-type";
      case 431 -> "headers-too-large";
      default -> status >= 500 ? "server-error" : "client-error";
    };
  }

  static String titleFor(int status) {
    String reason = HttpStatus.getMessage(status);
    return reason == null ? "Error " + status : reason;
  }

  /**
   * Jetty's own errors (request lines or headers too large, malformed requests) happen before
   * Javalin sees the request; this handler answers them as Javalin's routes would: a problem on
   * the API and for scripts, the pages' error page elsewhere ({@link Pages#answersWithPage(String, String)}).
   */
  static final class JettyHandler extends ErrorHandler {

    /** The path Jetty gives a request whose request line it could not read. */
    private static final String UNREADABLE = "/badMessage";

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
      // No request here (not even a path), so the answer cannot be matched to a route: a problem, as the API gives.
      fields.put(HttpHeader.CONTENT_TYPE, MEDIA_TYPE);
      String detail = reason == null ? titleFor(status) : reason;
      return ByteBuffer.wrap(json(status, slugFor(status), titleFor(status), detail, null).toString().getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
      int status = response.getStatus() > 0 ? response.getStatus() : 500;
      Object message = request.getAttribute(ERROR_MESSAGE);
      String detail = message instanceof String s && !s.isEmpty() ? s : titleFor(status);
      String path = request.getHttpURI() == null ? null : request.getHttpURI().getPath();
      boolean unreadable = path == null || UNREADABLE.equals(path);
      byte[] body;
      // Jetty hands over no headers with these errors, so the route alone decides. A request line
      // it could not read (too long, a bad %-escape) has no route to go by: it may be an API call,
      // whose contract is a problem document, so it gets one.
      if (!unreadable && Pages.answersWithPage(path, request.getHeaders().get(HttpHeader.ACCEPT))) {
        // Signed out on purpose: nothing of the request (its session cookie included) is trusted here.
        body = Pages.errorDocument(status, pageDetail(status, detail), null, "", "/", "Go to the start page")
            .getBytes(StandardCharsets.UTF_8);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/html;charset=utf-8");
      } else {
        body = json(status, slugFor(status), titleFor(status), detail, unreadable ? null : path).toString()
            .getBytes(StandardCharsets.UTF_8);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, MEDIA_TYPE);
      }
      response.write(true, ByteBuffer.wrap(body), callback);
      return true;
    }

    /** Jetty's reason ("Bad Request", "Invalid Content-Length Value") in words for a person. */
    private static String pageDetail(int status, String reason) {
      return switch (status) {
        case 400 -> titleFor(400).equals(reason) ? "the browser sent a request the server could not read"
            : "the browser sent a request the server could not read (" + reason + ")";
        case 414 -> "the address is too long";
        case 431 -> "the request's headers are too large; clearing this site's cookies may help";
        default -> reason;
      };
    }
  }
}
