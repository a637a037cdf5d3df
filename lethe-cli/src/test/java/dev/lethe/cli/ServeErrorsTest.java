package dev.lethe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lethe serve} refusing to start says why in words, naming the option at fault. */
class ServeErrorsTest {

  @TempDir Path dir;

  @Test
  void aPortOutOfRangeIsAUsageErrorAndCreatesNothing() {
    Path data = dir.resolve("data");
    CliRun r = CliRun.run("serve", "--port", "99999", "--data", data.toString());
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("lethe: --port 99999: not a port number (0 to 65535; 0 picks a free port)\n");
    assertThat(data).doesNotExist();
    assertThat(CliRun.run("serve", "--port", "-1", "--data", data.toString()).status()).isEqualTo(2);
  }

  @Test
  void aHostThatDoesNotResolveIsNamed() {
    Path data = dir.resolve("data");
    CliRun r = CliRun.run("serve", "--port", "0", "--host", "no.such.host.invalid", "--data", data.toString());
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("lethe: --host no.such.host.invalid: no such host (the name does not resolve to an address)\n");
    assertThat(data).doesNotExist();
  }

  @Test
  void aPortInUseIsSaidToBeInUse() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int port = taken.getLocalPort();
      CliRun r = CliRun.run("serve", "--port", Integer.toString(port), "--data", dir.resolve("data").toString());
      assertThat(r.status()).isEqualTo(1);
      assertThat(r.err()).isEqualTo("lethe: cannot listen on 127.0.0.1:" + port
          + ": the port is in use by another process (choose another --port)\n");
    }
  }

  @Test
  void anAddressOfAnotherMachineIsNotCalledAPortInUse() {
    // 192.0.2.1 is TEST-NET-1 (RFC 5737): documentation only, never an address of this machine.
    CliRun r = CliRun.run("serve", "--port", "0", "--host", "192.0.2.1", "--data", dir.resolve("data").toString());
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.err()).isEqualTo("lethe: cannot listen on 192.0.2.1:0: --host 192.0.2.1 is not an address of this machine\n");
  }
}
