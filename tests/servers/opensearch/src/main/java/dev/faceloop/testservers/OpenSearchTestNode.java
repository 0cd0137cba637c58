package dev.faceloop.testservers;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.CountDownLatch;
import org.codelibs.opensearch.runner.OpenSearchRunner;

/**
 * One real OpenSearch node in this JVM, for faceloop's integration tests.
 *
 * <p>Usage: {@code java -cp ... dev.faceloop.testservers.OpenSearchTestNode HOME_DIR HTTP_PORT}.
 * Listens on 127.0.0.1 only, plain HTTP (no security plugin is on the classpath), single-node
 * discovery. Prints "faceloop-opensearch-ready" once the cluster is yellow or green, then runs until
 * SIGTERM, when the shutdown hook closes the node so its data is flushed.
 */
public final class OpenSearchTestNode {
  private OpenSearchTestNode() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: OpenSearchTestNode HOME_DIR HTTP_PORT");
      System.exit(2);
    }
    final String home = args[0];
    final int httpPort = Integer.parseInt(args[1]);
    // The transport port is never used by the tests, but a fixed default (9300) could collide with
    // another node on the same machine, so take any free one.
    final int transportPort = freeLoopbackPort();

    final OpenSearchRunner runner = new OpenSearchRunner();
    final CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> closeQuietly(runner, stopped)));

    runner
        .onBuild(
            (number, settings) -> {
              settings.put("network.host", "127.0.0.1");
              settings.put("http.port", String.valueOf(httpPort));
              settings.put("transport.port", String.valueOf(transportPort));
              settings.put("discovery.type", "single-node");
              // Test machines can run with little free disk; the default watermarks would then turn
              // the test indices read-only and fail the tests for a reason unrelated to the code.
              settings.put("cluster.routing.allocation.disk.threshold_enabled", "false");
            })
        .build(
            OpenSearchRunner.newConfigs()
                .basePath(home)
                .numOfNode(1)
                .clusterName("faceloop-test"));
    runner.ensureYellow();
    System.out.println("faceloop-opensearch-ready http://127.0.0.1:" + httpPort);
    System.out.flush();
    stopped.await();
  }

  private static int freeLoopbackPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static void closeQuietly(OpenSearchRunner runner, CountDownLatch stopped) {
    try {
      runner.close();
    } catch (IOException e) {
      System.err.println("closing the node failed: " + e);
    } finally {
      stopped.countDown();
    }
  }
}
