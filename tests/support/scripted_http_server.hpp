#pragma once
// A small HTTP/1.1 server on 127.0.0.1 for client tests: it answers each request with whatever the
// test's handler returns (a status, a delay, or hanging up without an answer), keeps connections
// alive, and records what it received. Real sockets, so the client's whole path (libcurl included)
// runs.
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace faceloop::testing {

struct ReceivedRequest {
  std::string method;
  std::string target;  // path and query, as sent
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  /// The first header called `name` (case-insensitive).
  std::optional<std::string> Header(std::string_view name) const {
    const auto lower = [](std::string text) {
      std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
      return text;
    };
    for (const auto& [key, value] : headers) {
      if (lower(key) == lower(std::string(name))) return value;
    }
    return std::nullopt;
  }
};

struct ScriptedReply {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  bool hang_up = false;                // close the connection without answering
  std::chrono::milliseconds delay{0};  // before answering
};

class ScriptedHttpServer {
 public:
  /// `handler` gets each request and its number (0 for the first), from several threads at once.
  using Handler = std::function<ScriptedReply(const ReceivedRequest&, int number)>;

  explicit ScriptedHttpServer(Handler handler) : handler_(std::move(handler)) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof(address);
    if (listen_fd_ < 0 || ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
        ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0 ||
        ::listen(listen_fd_, 64) != 0) {
      throw std::runtime_error("ScriptedHttpServer: cannot listen on 127.0.0.1");
    }
    port_ = ntohs(address.sin_port);
    acceptor_ = std::thread([this] { AcceptLoop(); });
  }
  ScriptedHttpServer(const ScriptedHttpServer&) = delete;
  ScriptedHttpServer& operator=(const ScriptedHttpServer&) = delete;

  ~ScriptedHttpServer() {
    stop_ = true;
    acceptor_.join();
    std::vector<std::thread> connections;
    {
      const std::lock_guard lock(mutex_);
      connections.swap(connection_threads_);
    }
    for (auto& thread : connections) thread.join();
    ::close(listen_fd_);
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int connections() const { return accepted_; }
  std::vector<ReceivedRequest> received() const {
    const std::lock_guard lock(mutex_);
    return received_;
  }

 private:
  static constexpr int kPollMs = 20;  // how often blocked threads look at stop_

  void AcceptLoop() {
    while (!stop_) {
      pollfd waiting{listen_fd_, POLLIN, 0};
      if (::poll(&waiting, 1, kPollMs) <= 0) continue;
      const int fd = ::accept(listen_fd_, nullptr, nullptr);
      if (fd < 0) continue;
      ++accepted_;
      const std::lock_guard lock(mutex_);
      connection_threads_.emplace_back([this, fd] {
        Serve(fd);
        ::close(fd);
      });
    }
  }

  // Appends what arrives to `buffer`; false on end of stream, an error or stop.
  bool ReadMore(int fd, std::string& buffer) {
    while (!stop_) {
      pollfd waiting{fd, POLLIN, 0};
      const int ready = ::poll(&waiting, 1, kPollMs);
      if (ready < 0) return false;
      if (ready == 0) continue;
      char chunk[65536];
      const ssize_t n = ::recv(fd, chunk, sizeof(chunk), 0);
      if (n <= 0) return false;
      buffer.append(chunk, static_cast<std::size_t>(n));
      return true;
    }
    return false;
  }

  // The next request on the connection, its bytes removed from `buffer`.
  std::optional<ReceivedRequest> ReadRequest(int fd, std::string& buffer) {
    std::size_t end;
    while ((end = buffer.find("\r\n\r\n")) == std::string::npos) {
      if (!ReadMore(fd, buffer)) return std::nullopt;
    }
    ReceivedRequest request;
    std::size_t line_end = buffer.find("\r\n");
    const std::string first = buffer.substr(0, line_end);
    request.method = first.substr(0, first.find(' '));
    request.target = first.substr(request.method.size() + 1, first.rfind(' ') - request.method.size() - 1);
    std::size_t content_length = 0;
    for (std::size_t at = line_end + 2; at < end; at = line_end + 2) {
      line_end = buffer.find("\r\n", at);
      const std::string line = buffer.substr(at, line_end - at);
      const auto colon = line.find(':');
      std::string value = line.substr(colon + 1);
      value.erase(0, value.find_first_not_of(' '));
      request.headers.emplace_back(line.substr(0, colon), value);
    }
    if (const auto length = request.Header("Content-Length")) content_length = std::stoul(*length);
    buffer.erase(0, end + 4);
    while (buffer.size() < content_length) {
      if (!ReadMore(fd, buffer)) return std::nullopt;
    }
    request.body = buffer.substr(0, content_length);
    buffer.erase(0, content_length);
    return request;
  }

  void Serve(int fd) {
    std::string buffer;
    while (auto request = ReadRequest(fd, buffer)) {
      int number;
      {
        const std::lock_guard lock(mutex_);
        number = static_cast<int>(received_.size());
        received_.push_back(*request);
      }
      const ScriptedReply reply = handler_(*request, number);
      for (auto waited = std::chrono::milliseconds(0); waited < reply.delay && !stop_; waited += Tick()) {
        std::this_thread::sleep_for(Tick());
      }
      if (reply.hang_up || stop_) return;
      std::string text = "HTTP/1.1 " + std::to_string(reply.status) + " Scripted\r\n";
      text += "Content-Length: " + std::to_string(reply.body.size()) + "\r\n";
      for (const auto& [name, value] : reply.headers) text += name + ": " + value + "\r\n";
      text += "\r\n";
      if (request->method != "HEAD") text += reply.body;
      if (::send(fd, text.data(), text.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(text.size())) return;
    }
  }

  static std::chrono::milliseconds Tick() { return std::chrono::milliseconds(kPollMs); }

  Handler handler_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> accepted_{0};
  std::thread acceptor_;
  mutable std::mutex mutex_;
  std::vector<std::thread> connection_threads_;
  std::vector<ReceivedRequest> received_;
};

}  // namespace faceloop::testing
