package dev.wharf.clients;

import java.net.URI;
import java.time.Duration;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Assumptions;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/** Where the Wharf under test is (tools/clients/run.sh exports it) and what every client needs to reach it. */
final class Wharf {
  private Wharf() {}

  static final Region REGION = Region.US_EAST_1;
  static final StaticCredentialsProvider CREDENTIALS =
      StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));

  /** The edge over cleartext (HTTP/1.1 and h2c on one port). */
  static URI http() {
    return URI.create(env("WHARF_CLIENTS_HTTP_ENDPOINT", "http://localhost:4566"));
  }

  /** The edge over TLS (same port as cleartext); the run's JVM trusts Wharf's local CA. */
  static URI https() {
    String e = env("WHARF_CLIENTS_HTTPS_ENDPOINT", "");
    Assumptions.assumeFalse(e.isEmpty(), "Wharf serves no TLS here (WHARF_CLIENTS_HTTPS_ENDPOINT unset)");
    return URI.create(e);
  }

  static URI endpoint(String scheme) {
    return scheme.equals("https") ? https() : http();
  }

  static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 12);
  }

  static String env(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isEmpty() ? fallback : v;
  }

  /** Polls until the condition holds; fails the test after the timeout. */
  static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) return;
      Thread.sleep(200);
    }
    if (!condition.getAsBoolean()) throw new AssertionError(what + " not within " + timeout);
  }
}
