package dev.lethe.server;

import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Who is calling. The API takes bearer tokens only; pages take the same token from an HttpOnly,
 * SameSite=Strict session cookie set by the login form, and every page form carries a CSRF token
 * derived from the session token with a key that exists only in this process.
 */
final class Auth {

  static final String COOKIE = "lethe_session";
  static final String CSRF_FIELD = "_csrf";
  private static final String PRINCIPAL = "lethe.principal";

  private final Tokens tokens;
  private final byte[] csrfKey = new byte[32];

  Auth(Tokens tokens) {
    this.tokens = tokens;
    new SecureRandom().nextBytes(csrfKey);
  }

  Principal verify(String token) throws Tokens.InvalidTokenException {
    return tokens.verify(token);
  }

  /** The API caller, from {@code Authorization: Bearer}; a 401 problem without a valid token. */
  Principal api(Context ctx) {
    Principal cached = ctx.attribute(PRINCIPAL);
    if (cached != null) {
      return cached;
    }
    String header = ctx.header("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      ctx.header("WWW-Authenticate", "Bearer realm=\"lethe\"");
      throw ProblemException.unauthorized("send a bearer token in the Authorization header");
    }
    try {
      Principal p = tokens.verify(header.substring(7).trim());
      ctx.attribute(PRINCIPAL, p);
      return p;
    } catch (Tokens.InvalidTokenException e) {
      ctx.header("WWW-Authenticate", "Bearer realm=\"lethe\", error=\"invalid_token\"");
      throw ProblemException.unauthorized(e.getMessage());
    }
  }

  /** The page visitor from the session cookie, or {@code null} if not signed in. */
  Principal page(Context ctx) {
    String token = ctx.cookie(COOKIE);
    if (token == null) {
      return null;
    }
    try {
      return tokens.verify(token);
    } catch (Tokens.InvalidTokenException e) {
      return null;
    }
  }

  /** The CSRF token for the session of this request ("" without a session). */
  String csrf(Context ctx) {
    String token = ctx.cookie(COOKIE);
    return token == null ? "" : csrfFor(token);
  }

  String csrfFor(String sessionToken) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(csrfKey, "HmacSHA256"));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(sessionToken.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is always available", e);
    }
  }

  /** Whether a posted form carries this session's CSRF token. */
  boolean csrfValid(Context ctx) {
    String token = ctx.cookie(COOKIE);
    String sent = ctx.formParam(CSRF_FIELD);
    return token != null && sent != null
        && MessageDigest.isEqual(csrfFor(token).getBytes(StandardCharsets.US_ASCII), sent.getBytes(StandardCharsets.US_ASCII));
  }
}
