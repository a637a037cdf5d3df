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
    ctx.status(status).contentType(MEDIA_TYPE).result(json(status, slug, title, detail, ctx.path()).toString());
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
   * Javalin sees the request; this handler answers them as problems too.
   */
  static final class JettyHandler extends ErrorHandler {

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
      fields.put(HttpHeader.CONTENT_TYPE, MEDIA_TYPE);
      String detail = reason == null ? titleFor(status) : reason;
      return ByteBuffer.wrap(json(status, slugFor(status), titleFor(status), detail, null).toString().getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
      int status = response.getStatus() > 0 ? response.getStatus() : 500;
      Object message = request.getAttribute(ERROR_MESSAGE);
      String detail = message instanceof String s && !s.isEmpty() ? s : titleFor(status);
      byte[] body = json(status, slugFor(status), titleFor(status), detail, request.getHttpURI().getPath())
          .toString().getBytes(StandardCharsets.UTF_8);
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, MEDIA_TYPE);
      response.write(true, ByteBuffer.wrap(body), callback);
      return true;
    }
  }
}
