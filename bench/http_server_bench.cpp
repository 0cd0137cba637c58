// The HTTP engine alone (src/http/server), without routes' work: GET round trips on one keep-alive
// connection, pipelined, and the parsers without I/O. With --serve=engine|httplib it only serves
// GET /hello on 127.0.0.1 (a free port, printed) for wrk, side by side with Debian's cpp-httplib,
// the engine it replaces: bench/http/engine_bench.sh runs both.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>
#include <thread>

#include <benchmark/benchmark.h>
#include <httplib.h>

#include "http/server/http_server.hpp"
#include "http/server/multipart.hpp"
#include "http/server/request_parser.hpp"

namespace {

using namespace faceloop::http;

Router HelloRouter() {
  Router router;
  router.Add("GET", "/hello",
             SyncHandler([](const Request&, Response& response) { response.SetContent("hello", "text/plain"); }));
  return router;
}

/// A blocking loopback client that reads Content-Length framed responses.
class Client {
 public:
  explicit Client(int port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
      throw std::runtime_error("connect failed");
    }
  }
  ~Client() { ::close(fd_); }

  void Send(const std::string& bytes) {
    if (::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(bytes.size())) {
      throw std::runtime_error("send failed");
    }
  }

  /// Reads `count` whole responses.
  void ReadResponses(int count) {
    while (count > 0) {
      const std::size_t head_end = buffer_.find("\r\n\r\n");
      const std::size_t length_at = buffer_.find("Content-Length: ");
      if (head_end != std::string::npos && length_at < head_end) {
        const std::size_t total = head_end + 4 + std::stoul(buffer_.substr(length_at + 16));
        if (buffer_.size() >= total) {
          buffer_.erase(0, total);
          --count;
          continue;
        }
      }
      char chunk[65536];
      const ssize_t got = ::recv(fd_, chunk, sizeof chunk, 0);
      if (got <= 0) throw std::runtime_error("connection closed");
      buffer_.append(chunk, static_cast<std::size_t>(got));
    }
  }

 private:
  int fd_;
  std::string buffer_;
};

const std::string kGet = "GET /hello HTTP/1.1\r\nHost: bench\r\n\r\n";

/// The defaults, but one connection may carry every request of a run.
ServerOptions BenchOptions() {
  ServerOptions options;
  options.max_requests_per_connection = std::numeric_limits<std::size_t>::max();
  return options;
}

/// The engine on a background thread for one benchmark.
class RunningServer {
 public:
  RunningServer() : router_(HelloRouter()), server_(BenchOptions(), router_) {
    port_ = server_.Bind("127.0.0.1", 0);
    thread_ = std::thread([this] { server_.Run(); });
  }
  ~RunningServer() {
    server_.Stop();
    thread_.join();
  }
  int port() const { return port_; }

 private:
  Router router_;
  HttpServer server_;
  int port_ = 0;
  std::thread thread_;
};

void BM_KeepAliveGet(benchmark::State& state) {
  RunningServer server;
  Client client(server.port());
  for (auto _ : state) {
    client.Send(kGet);
    client.ReadResponses(1);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_KeepAliveGet)->UseRealTime();

void BM_PipelinedGet(benchmark::State& state) {
  RunningServer server;
  Client client(server.port());
  const int depth = static_cast<int>(state.range(0));
  std::string batch;
  for (int i = 0; i < depth; ++i) batch += kGet;
  for (auto _ : state) {
    client.Send(batch);
    client.ReadResponses(depth);
  }
  state.SetItemsProcessed(state.iterations() * depth);
}
BENCHMARK(BM_PipelinedGet)->Arg(16)->UseRealTime();

void BM_ParseDetectHead(benchmark::State& state) {
  const std::string head =
      "POST /v1/detect?model=retina&min_confidence=0.5 HTTP/1.1\r\nHost: faceloop.example\r\n"
      "User-Agent: curl/7.88.1\r\nAccept: */*\r\nAuthorization: Bearer fl_0123456789abcdef0123456789abcdef\r\n"
      "Content-Type: multipart/form-data; boundary=------------------------d74496d66958873e\r\n"
      "Content-Length: 0\r\n\r\n";
  for (auto _ : state) {
    RequestParser parser(ParserLimits{});
    benchmark::DoNotOptimize(parser.Feed(head));
    if (!parser.done()) state.SkipWithError("not parsed");
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(head.size()));
}
BENCHMARK(BM_ParseDetectHead);

void BM_ParseMultipart(benchmark::State& state) {
  std::string image(static_cast<std::size_t>(state.range(0)), '\0');
  for (std::size_t i = 0; i < image.size(); ++i) image[i] = static_cast<char>((i * 2654435761u) >> 13);
  const std::string boundary = "------------------------d74496d66958873e";
  const std::string body = "--" + boundary +
                           "\r\nContent-Disposition: form-data; name=\"image\"; filename=\"a.jpg\"\r\n"
                           "Content-Type: image/jpeg\r\n\r\n" +
                           image + "\r\n--" + boundary + "--\r\n";
  for (auto _ : state) benchmark::DoNotOptimize(ParseFormData(body, boundary));
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(body.size()));
}
BENCHMARK(BM_ParseMultipart)->Arg(1 << 20);

volatile std::sig_atomic_t g_stop = 0;

/// Serves GET /hello until SIGINT/SIGTERM; prints "listening on PORT".
int Serve(const std::string& engine) {
  std::signal(SIGINT, [](int) { g_stop = 1; });
  std::signal(SIGTERM, [](int) { g_stop = 1; });
  if (engine == "httplib") {
    httplib::Server server;
    server.Get("/hello",
               [](const httplib::Request&, httplib::Response& res) { res.set_content("hello", "text/plain"); });
    const int port = server.bind_to_any_port("127.0.0.1");
    std::printf("listening on %d\n", port);
    std::fflush(stdout);
    std::thread watcher([&server] {
      while (!g_stop) std::this_thread::sleep_for(std::chrono::milliseconds(50));
      server.stop();
    });
    server.listen_after_bind();
    watcher.join();
    return 0;
  }
  RunningServer server;
  std::printf("listening on %d\n", server.port());
  std::fflush(stdout);
  while (!g_stop) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.starts_with("--serve=")) return Serve(arg.substr(8));
  }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
