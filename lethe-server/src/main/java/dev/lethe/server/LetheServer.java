package dev.lethe.server;

import dev.lethe.unlearn.ModelRegistry;
import dev.lethe.unlearn.forget.ForgetQueue;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.config.JavalinState;
import io.javalin.http.servlet.JavalinServletContext;
import io.javalin.router.ParsedEndpoint;
import io.javalin.http.HttpResponseException;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The Lethe HTTP server: the REST API under {@code /v1} (described by {@code /openapi.json}),
 * member, admin and auditor pages, {@code /health}, {@code /metrics} (Prometheus) and {@code
 * /.well-known/gpc.json}, and the forget scheduler: periodic forget runs ({@link
 * ServerConfig.Builder#forgetEvery}) and runs an admin starts, one at a time.
 *
 * <p>Every error of the API ({@code /v1}) is an RFC 9457 problem ({@code application/problem+json});
 * on the pages' routes, and at addresses no route has, the same error is an HTML page with the
 * same status, the problem's detail in words and a link back (a refused policy or objection form
 * comes back filled in, with the reason); see {@link Pages#answersWithPage}. Jetty's own errors
 * (malformed requests, headers too large) follow the same split ({@link Problems.JettyHandler}). Bad input of any kind gets a 4xx and changes
 * nothing; a 5xx means the server or its database failed.
 */
public final class LetheServer implements AutoCloseable {

  /** Longest accepted query string; longer ones get a 414 problem before any handler runs. */
  static final int MAX_QUERY = 2048;

  private final Javalin app;
  private final PrometheusMeterRegistry metrics;
  private final ForgetScheduler forgetting;
  private final SnapshotView snapshots;

  private LetheServer(Javalin app, PrometheusMeterRegistry metrics, ForgetScheduler forgetting, SnapshotView snapshots) {
    this.app = app;
    this.metrics = metrics;
    this.forgetting = forgetting;
    this.snapshots = snapshots;
  }

  /**
   * Builds the server, starts listening and schedules the periodic forget runs.
   *
   * @throws IllegalStateException if the port cannot be bound
   */
  public static LetheServer start(ServerConfig config) {
    PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Policies policies = new Policies(config.store);
    SnapshotView snapshots = new SnapshotView(config.store, config.snapshotsDir);
    LedgerView ledger = new LedgerView(config.store);
    UnlearnViews unlearn = new UnlearnViews(ModelRegistry.open(config.modelsDir), ForgetQueue.open(config.forgetDir), snapshots,
        config.store, policies, ledger, config.clock);
    ForgetJob job = new ForgetJob(config.store, config.snapshotsDir, config.modelsDir, config.forgetDir, config.canariesFile,
        config.snapshotDetector, config.forgetThreads, config.clock);
    boolean ownExecutor = config.forgetExecutor == null;
    ForgetScheduler forgetting = new ForgetScheduler(job, ownExecutor ? forgetThread() : config.forgetExecutor, ownExecutor,
        config.forgetEvery, config.clock, unlearn::invalidate);
    MemberService members = new MemberService(config, policies, snapshots, unlearn, unlearn);
    AdminService admin = new AdminService(config, ledger, policies, unlearn, forgetting);
    AuditService audit = new AuditService(config, ledger, snapshots, unlearn);
    Auth auth = new Auth(config.tokens);
    ApiRoutes api = new ApiRoutes(auth, members, admin, audit);
    Pages pages = new Pages(auth, members, admin, audit);
    byte[] openapi = resource("openapi.json");
    byte[] css = resource("assets/lethe.css");
    byte[] js = resource("assets/lethe.js");

    Javalin app = Javalin.create(c -> {
      c.http.maxRequestSize = config.maxBodyBytes;
      c.http.prefer405over404 = true;
      c.startup.showJavalinBanner = false;
      c.jetty.host = config.host;
      c.jetty.port = config.port;
      // Room for long bearer tokens; anything beyond is answered by Jetty, as a problem too.
      c.jetty.modifyHttpConfiguration(h -> h.setRequestHeaderSize(16 * 1024));
      c.jetty.modifyServer(s -> s.setErrorHandler(new Problems.JettyHandler()));
      c.requestLogger.http((ctx, ms) -> record(metrics, ctx, ms));

      c.routes.before(ctx -> {
        String q = ctx.queryString();
        if (q != null && q.length() > MAX_QUERY) {
          throw new ProblemException(414, "uri-too-long", "Query too long", "query strings are limited to " + MAX_QUERY + " characters");
        }
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.header("Cache-Control", "no-store");
        ctx.header("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'");
        if (ctx.method() == HandlerType.HEAD) {
          head(ctx, c.unsafe);
        }
      });

      c.routes.get("/health", ctx -> {
        long events = config.store.eventCount();
        Json.write(ctx, Json.object().put("status", "ok").put("events", events));
      });
      c.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape()));
      c.routes.get("/openapi.json", ctx -> ctx.contentType("application/json").result(openapi));
      c.routes.get("/.well-known/gpc.json", ctx -> Json.write(ctx, Json.object().put("gpc", true)));
      c.routes.get("/assets/lethe.css", ctx -> ctx.contentType("text/css; charset=utf-8").result(css));
      c.routes.get("/assets/lethe.js", ctx -> ctx.contentType("text/javascript; charset=utf-8").result(js));
      api.register(c.routes);
      pages.register(c.routes);

      c.routes.exception(Pages.SignedOut.class, (e, ctx) -> ctx.attribute(Problems.WRITTEN, Boolean.TRUE));
      c.routes.exception(ProblemException.class, (e, ctx) -> problem(ctx, pages, e.status(), e.slug(), e.title(), e.detail()));
      c.routes.exception(HttpResponseException.class, (e, ctx) -> {
        int status = e.getStatus();
        if (status == 405) {
          // RFC 9110 15.5.6: a 405 names the methods the address does take.
          allow(ctx, e.getDetails().values());
        }
        // Javalin's router words ("Endpoint GET /x not found") are for developers; a page says it in plain words.
        String detail = (status == 404 || status == 405) && Pages.answersWithPage(ctx) ? routeMiss(status, ctx)
            : status == 413 ? "the request body is larger than the limit of " + config.maxBodyBytes + " bytes"
            : e.getMessage();
        problem(ctx, pages, status, Problems.slugFor(status), Problems.titleFor(status), detail);
      });
      c.routes.exception(Exception.class, (e, ctx) -> {
        // The only path to a 5xx: a failure of the server or its database, never of the input.
        System.err.println("lethe-server: " + ctx.method() + " " + ctx.path() + " failed: " + e);
        problem(ctx, pages, 500, "server-error", "Internal server error", "the server could not complete the request");
      });
      for (int status : new int[] {404, 405}) {
        c.routes.error(status, ctx -> {
          if (ctx.attribute(Problems.WRITTEN) == null) {
            problem(ctx, pages, status, Problems.slugFor(status), Problems.titleFor(status), routeMiss(status, ctx));
          }
        });
      }
    });
    try {
      app.start();
    } catch (RuntimeException e) {
      forgetting.close();
      throw e;
    }
    forgetting.start();
    return new LetheServer(app, metrics, forgetting, snapshots);
  }

  /** The server's own thread for periodic forget runs: a daemon, so it never keeps the JVM alive. */
  private static ScheduledExecutorService forgetThread() {
    return Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "lethe-forget");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Answers HEAD as GET without the body (Jetty sends none for HEAD): Javalin alone would answer
   * an empty 200 for any GET route without running it, so without authentication and even for
   * another member's data. Runs the GET route Javalin would match, with its path parameters; an
   * address without a GET route is left to Javalin (404, or 405 with Allow).
   */
  private static void head(Context ctx, JavalinState state) throws Exception {
    ParsedEndpoint get = state.internalRouter.findFirstHttpHandlerEntry(HandlerType.GET, ctx.path());
    if (get != null) {
      get.handle((JavalinServletContext) ctx, ctx.path());
    }
  }

  /** Sets {@code Allow} from Javalin's list of the methods an address takes ("GET, PUT"); HEAD goes with GET. */
  private static void allow(Context ctx, java.util.Collection<String> available) {
    java.util.Set<String> methods = new java.util.LinkedHashSet<>();
    for (String list : available) {
      for (String m : list.split(",")) {
        if (!m.isBlank()) {
          methods.add(m.trim().toUpperCase(java.util.Locale.ROOT));
        }
      }
    }
    if (methods.contains("GET")) {
      methods.add("HEAD");
    }
    ctx.header("Allow", String.join(", ", methods));
  }

  /** Why no route answered (404 or 405), in words. */
  private static String routeMiss(int status, Context ctx) {
    return status == 404 ? "nothing is at this address" : "this address does not take " + ctx.method() + " requests";
  }

  /** Writes an error: problem JSON for the API and other clients, an HTML page on the pages' routes ({@link Pages#answersWithPage}). */
  private static void problem(Context ctx, Pages pages, int status, String slug, String title, String detail) {
    if (Pages.answersWithPage(ctx)) {
      try {
        pages.errorPage(ctx, status, detail);
        return;
      } catch (RuntimeException e) {
        // Rendering the page needs the session's principal; should that fail, the problem still goes out.
        System.err.println("lethe-server: error page for " + ctx.path() + " failed: " + e);
      }
    }
    Problems.write(ctx, status, slug, title, detail);
  }

  private static void record(PrometheusMeterRegistry metrics, Context ctx, float ms) {
    String route;
    try {
      route = ctx.endpoint().path;
    } catch (RuntimeException unmatched) {
      route = "unmatched"; // keeps attacker-chosen paths out of the label set
    }
    Timer.builder("http.server.requests")
        .tag("method", ctx.method().name())
        .tag("route", route)
        .tag("status", Integer.toString(ctx.statusCode()))
        .publishPercentileHistogram()
        .register(metrics)
        .record((long) (ms * 1_000_000L), TimeUnit.NANOSECONDS);
  }

  private static byte[] resource(String name) {
    try (InputStream in = LetheServer.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The port the server listens on. */
  public int port() {
    return app.port();
  }

  /** The metrics registry, for embedding applications that add their own meters. */
  public PrometheusMeterRegistry metrics() {
    return metrics;
  }

  /**
   * Stops listening and the periodic forget runs (waiting a while for a run in progress); the
   * store stays open (the caller owns it), and so does an injected forget executor; closes the
   * snapshot roots' lineage indexes. Idempotent.
   */
  @Override
  public void close() {
    app.stop();
    forgetting.close();
    snapshots.close();
  }
}
