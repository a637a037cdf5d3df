package dev.lethe.server;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Bearer tokens: compact JWS (RFC 7515) with the claims {@code sub}, {@code role}, {@code iss}
 * ({@value #ISSUER}), {@code iat} and {@code exp}.
 *
 * <p>Accepted algorithms are exactly those a key was configured for: HS256 with a shared secret
 * of at least 32 bytes, EdDSA with an Ed25519 public key. Anything else, {@code alg: none}
 * included, is refused. Tokens are issued with the HS256 secret when there is one, otherwise with
 * the Ed25519 private key. EdDSA uses the JDK's own Ed25519, so no extra crypto library is needed.
 * Thread-safe. A token that verified is remembered by its exact text (a bounded number of them), so
 * its next use skips parsing and the signature check; its expiry and not-before instants are still
 * checked against the clock on every use.
 */
public final class Tokens {

  /** The issuer claim of every token. */
  public static final String ISSUER = "lethe";

  /** The embedded default's HS256 secret, under the data directory. */
  public static final String SECRET_FILE = "server-jwt.key";

  private static final long CLOCK_SKEW_SECONDS = 30;

  private final Clock clock;
  private final byte[] secret;
  private final PublicKey edPublic;
  private final PrivateKey edPrivate;

  /** Most verified tokens remembered; beyond it the expired ones and then a tenth are dropped. */
  private static final int CACHED_TOKENS = 20_000;

  /** Longest token remembered (issued ones are a few hundred characters), which bounds the memory. */
  private static final int CACHED_TOKEN_LENGTH = 2048;

  /** What a verified token grants, and when. */
  private record Verified(Principal principal, Instant expires, Instant notBefore) {}

  /**
   * Tokens whose signature and claims verified, by their whole text: the signature is part of the
   * key, so no other text (a forged or altered token) can match an entry.
   */
  private final ConcurrentHashMap<String, Verified> verified = new ConcurrentHashMap<>();

  private Tokens(Clock clock, byte[] secret, PublicKey edPublic, PrivateKey edPrivate) {
    this.clock = clock;
    this.secret = secret == null ? null : secret.clone();
    this.edPublic = edPublic;
    this.edPrivate = edPrivate;
    if (secret != null && secret.length < 32) {
      throw new IllegalArgumentException("an HS256 secret has at least 32 bytes");
    }
    if (secret == null && edPublic == null) {
      throw new IllegalArgumentException("configure an HS256 secret or an Ed25519 key");
    }
  }

  /** Issues and verifies HS256 tokens. */
  public static Tokens hs256(byte[] secret, Clock clock) {
    return new Tokens(clock, secret, null, null);
  }

  /**
   * Verifies HS256 tokens (if {@code secret} is not null) and EdDSA tokens (if {@code edPublic}
   * is not null); issues with the secret, or with {@code edPrivate} when there is no secret.
   */
  public static Tokens of(Clock clock, byte[] secret, PublicKey edPublic, PrivateKey edPrivate) {
    return new Tokens(clock, secret, edPublic, edPrivate);
  }

  /** Issues and verifies EdDSA tokens with an Ed25519 key pair. */
  public static Tokens ed25519(KeyPair pair, Clock clock) {
    return new Tokens(clock, null, pair.getPublic(), pair.getPrivate());
  }

  /**
   * Reads the HS256 secret under {@code dataDir}, creating it (32 random bytes, owner-only
   * permissions) on first use.
   *
   * @throws IOException if the file cannot be read or created
   */
  public static byte[] loadOrCreateSecret(Path dataDir) throws IOException {
    Path file = dataDir.resolve(SECRET_FILE);
    if (!Files.exists(file)) {
      Files.createDirectories(dataDir);
      byte[] fresh = new byte[32];
      new SecureRandom().nextBytes(fresh);
      Path tmp = Files.createTempFile(dataDir, ".jwt", ".tmp");
      try {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        Files.writeString(tmp, Base64.getEncoder().encodeToString(fresh) + "\n", StandardCharsets.US_ASCII);
        // A link, not a move, so two processes starting together never replace each other's key.
        Files.createLink(file, tmp);
      } catch (FileAlreadyExistsException raced) {
        // Another process created it first: use theirs.
      } finally {
        Files.deleteIfExists(tmp);
      }
    }
    byte[] key = Base64.getDecoder().decode(Files.readString(file, StandardCharsets.US_ASCII).trim());
    if (key.length < 32) {
      throw new IOException(file + " holds fewer than 32 bytes of key");
    }
    return key;
  }

  /** A token for the principal, valid from now for {@code ttl}. */
  public String issue(Principal principal, Duration ttl) {
    Instant now = clock.instant();
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .issuer(ISSUER)
            .subject(principal.subject())
            .claim("role", principal.role().word())
            .issueTime(Date.from(now))
            .expirationTime(Date.from(now.plus(ttl)))
            .build();
    JWSAlgorithm alg = secret != null ? JWSAlgorithm.HS256 : JWSAlgorithm.EdDSA;
    SignedJWT jwt = new SignedJWT(new JWSHeader(alg), claims);
    try {
      if (secret != null) {
        jwt.sign(new MACSigner(secret));
      } else if (edPrivate != null) {
        jwt.sign(new Ed25519(edPublic, edPrivate));
      } else {
        throw new IllegalStateException("no signing key: this instance only verifies EdDSA tokens");
      }
    } catch (JOSEException e) {
      throw new IllegalStateException("signing failed", e);
    }
    return jwt.serialize();
  }

  /**
   * Verifies a token and returns its principal.
   *
   * @throws InvalidTokenException if it is malformed, signed with an algorithm or key not
   *     configured, expired, not yet valid, or lacks a valid role or subject
   */
  public Principal verify(String token) throws InvalidTokenException {
    Verified known = verified.get(token);
    if (known == null) {
      known = verifyFully(token);
      if (token.length() <= CACHED_TOKEN_LENGTH) {
        if (verified.size() >= CACHED_TOKENS) {
          evictSome();
        }
        verified.put(token, known);
      }
    } else {
      checkTimes(known, clock.instant());
    }
    return known.principal;
  }

  private static void checkTimes(Verified v, Instant now) throws InvalidTokenException {
    if (!v.expires.plusSeconds(CLOCK_SKEW_SECONDS).isAfter(now)) {
      throw new InvalidTokenException("this access token has expired");
    }
    if (v.notBefore != null && v.notBefore.minusSeconds(CLOCK_SKEW_SECONDS).isAfter(now)) {
      throw new InvalidTokenException("this access token is not valid yet (its start time is in the future)");
    }
  }

  private void evictSome() {
    Instant now = clock.instant();
    verified.values().removeIf(v -> !v.expires.plusSeconds(CLOCK_SKEW_SECONDS).isAfter(now));
    int drop = CACHED_TOKENS / 10;
    var it = verified.keySet().iterator();
    while (verified.size() >= CACHED_TOKENS - drop && it.hasNext()) {
      it.next();
      it.remove();
    }
  }

  private Verified verifyFully(String token) throws InvalidTokenException {
    SignedJWT jwt;
    try {
      jwt = SignedJWT.parse(token);
    } catch (ParseException e) {
      throw new InvalidTokenException("this is not an access token: it should be three parts separated by dots, as issued");
    }
    JWSAlgorithm alg = jwt.getHeader().getAlgorithm();
    JWSVerifier verifier;
    try {
      if (JWSAlgorithm.HS256.equals(alg) && secret != null) {
        verifier = new MACVerifier(secret);
      } else if (JWSAlgorithm.EdDSA.equals(alg) && edPublic != null) {
        verifier = new Ed25519(edPublic, null);
      } else {
        throw new InvalidTokenException("access tokens signed with " + alg + " are not accepted");
      }
      if (!jwt.verify(verifier)) {
        throw new InvalidTokenException("this access token was not issued by this server (its signature does not match)");
      }
    } catch (JOSEException e) {
      throw new InvalidTokenException("this access token was not issued by this server (its signature does not match)");
    }
    JWTClaimsSet claims;
    try {
      claims = jwt.getJWTClaimsSet();
    } catch (ParseException e) {
      throw new InvalidTokenException("this access token is damaged (its contents cannot be read)");
    }
    Date exp = claims.getExpirationTime();
    if (exp == null) {
      throw new InvalidTokenException("this access token has expired");
    }
    Date nbf = claims.getNotBeforeTime();
    Instant expires = exp.toInstant();
    Instant notBefore = nbf == null ? null : nbf.toInstant();
    checkTimes(new Verified(null, expires, notBefore), clock.instant());
    Object roleClaim = claims.getClaim("role");
    Role role =
        roleClaim instanceof String s
            ? Role.fromWord(s).orElseThrow(() -> new InvalidTokenException("this access token names an unknown role \"" + s + "\""))
            : null;
    if (role == null) {
      throw new InvalidTokenException("this access token names no role");
    }
    String subject = claims.getSubject();
    if (subject == null || subject.isEmpty()) {
      throw new InvalidTokenException("this access token names no user");
    }
    return new Verified(role == Role.MEMBER ? Principal.member(subject) : Principal.of(role), expires, notBefore);
  }

  /** A token that does not authenticate anyone. */
  public static final class InvalidTokenException extends Exception {
    private static final long serialVersionUID = 1L;

    InvalidTokenException(String message) {
      super(message);
    }
  }

  /** EdDSA (Ed25519) signing and verification with the JDK's provider. */
  private static final class Ed25519 implements JWSSigner, JWSVerifier {
    private final PublicKey publicKey;
    private final PrivateKey privateKey;
    private final JCAContext jca = new JCAContext();

    Ed25519(PublicKey publicKey, PrivateKey privateKey) {
      this.publicKey = publicKey;
      this.privateKey = privateKey;
    }

    @Override
    public Base64URL sign(JWSHeader header, byte[] signingInput) throws JOSEException {
      try {
        Signature s = Signature.getInstance("Ed25519");
        s.initSign(privateKey);
        s.update(signingInput);
        return Base64URL.encode(s.sign());
      } catch (GeneralSecurityException e) {
        throw new JOSEException("Ed25519 signing failed", e);
      }
    }

    @Override
    public boolean verify(JWSHeader header, byte[] signingInput, Base64URL signature) throws JOSEException {
      try {
        Signature s = Signature.getInstance("Ed25519");
        s.initVerify(publicKey);
        s.update(signingInput);
        return s.verify(signature.decode());
      } catch (GeneralSecurityException e) {
        throw new JOSEException("Ed25519 verification failed", e);
      }
    }

    @Override
    public Set<JWSAlgorithm> supportedJWSAlgorithms() {
      return Set.of(JWSAlgorithm.EdDSA);
    }

    @Override
    public JCAContext getJCAContext() {
      return jca;
    }
  }
}
