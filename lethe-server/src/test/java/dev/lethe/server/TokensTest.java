package dev.lethe.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Verified tokens are remembered, and remembering changes none of the answers. */
class TokensTest {

  private final MutableClock clock = new MutableClock(Instant.parse("2025-06-01T00:00:00Z"));
  private final byte[] secret = new byte[32];

  {
    Arrays.fill(secret, (byte) 7);
  }

  @Test
  void aRememberedTokenStillExpires() throws Exception {
    Tokens tokens = Tokens.hs256(secret, clock);
    String token = tokens.issue(Principal.member("alice"), Duration.ofMinutes(10));
    assertThat(tokens.verify(token)).isEqualTo(Principal.member("alice"));
    assertThat(tokens.verify(token)).isEqualTo(Principal.member("alice"));
    clock.advance(Duration.ofMinutes(10).plusSeconds(31));
    assertThatThrownBy(() -> tokens.verify(token)).isInstanceOf(Tokens.InvalidTokenException.class).hasMessageContaining("expired");
  }

  @Test
  void anAlteredTokenIsRefusedAfterTheGenuineOneWasRemembered() throws Exception {
    Tokens tokens = Tokens.hs256(secret, clock);
    String token = tokens.issue(Principal.member("alice"), Duration.ofMinutes(10));
    tokens.verify(token);
    // A character inside the signature, where all six bits are signature bits.
    int at = token.length() - 5;
    String altered = token.substring(0, at) + (token.charAt(at) == 'A' ? 'B' : 'A') + token.substring(at + 1);
    assertThatThrownBy(() -> tokens.verify(altered)).isInstanceOf(Tokens.InvalidTokenException.class);
    String otherKey = Tokens.hs256(new byte[32], clock).issue(Principal.member("alice"), Duration.ofMinutes(10));
    assertThatThrownBy(() -> tokens.verify(otherKey)).isInstanceOf(Tokens.InvalidTokenException.class);
    assertThat(tokens.verify(token)).isEqualTo(Principal.member("alice"));
  }
}
