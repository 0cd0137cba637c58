#include "http/server/http_server.hpp"

#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "common/error.hpp"
#include "common/thread_name.hpp"
#include "http/server/connection.hpp"
#include "http/server/response_head.hpp"
#include "http/server/security_headers.hpp"
#include "http/server/server_core.hpp"

namespace faceloop::http {
namespace {

namespace net = boost::asio;
using tcp = net::ip::tcp;
using boost::system::error_code;

/// IPv4 clients of a dual-stack listener arrive as ::ffff:a.b.c.d; count them under a.b.c.d.
std::string AddressText(const net::ip::address& address) {
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    return net::ip::make_address_v4(net::ip::v4_mapped, address.to_v6()).to_string();
  }
  return address.to_string();
}

}  // namespace

class HttpServer::Impl {
 public:
  Impl(ServerOptions options, const Router& router)
      : core(std::move(options), router),
        ioc_(core.options().io_threads),
        strand_(net::make_strand(ioc_)),
        acceptor_(strand_),
        accept_retry_(strand_),
        grace_timer_(strand_),
        work_(std::in_place, ioc_.get_executor()) {
    core.set_on_drained([this] { net::post(strand_, [this] { FinishStop(); }); });
  }

  ~Impl() {
    ioc_.stop();
    core.StopHandlers();  // late replies post into the stopped io_context and are dropped with it
    core.Shutdown();      // closes the reply gate, then the sockets, while the io_context still exists
  }

  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;
  Impl(Impl&&) = delete;
  Impl& operator=(Impl&&) = delete;

  int Bind(const std::string& host, int port);
  void Run();
  void Stop() {
    net::post(strand_, [this] { BeginStop(); });
  }

  ServerCore core;  // first: outlives the io_context, whose queued handlers may own connections

 private:
  void RunLoop();
  void Accept();
  void OnAccept(const error_code& ec, tcp::socket socket);
  void Admit(tcp::socket socket);
  void Refuse(tcp::socket socket);
  void BeginStop();
  void FinishStop();
  void ForceClose();

  net::io_context ioc_;
  net::strand<net::io_context::executor_type> strand_;  // the acceptor and the stop sequence
  tcp::acceptor acceptor_;
  net::steady_timer accept_retry_;
  net::steady_timer grace_timer_;
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work_;
  bool bound_ = false;
  bool stop_begun_ = false;
  bool stop_finished_ = false;
};

int HttpServer::Impl::Bind(const std::string& host, int port) {
  if (bound_) throw Error(ErrorCode::kInternal, "HttpServer::Bind called twice");
  try {
    tcp::resolver resolver(ioc_);
    const auto results = resolver.resolve(host, std::to_string(port), tcp::resolver::passive);
    const tcp::endpoint endpoint = *results.begin();
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(net::socket_base::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen(net::socket_base::max_listen_connections);
  } catch (const boost::system::system_error& error) {
    error_code ignored;
    acceptor_.close(ignored);
    throw Error(ErrorCode::kInternal,
                "cannot listen on " + host + ":" + std::to_string(port) + ": " + error.code().message());
  }
  bound_ = true;
  return acceptor_.local_endpoint().port();
}

void HttpServer::Impl::Run() {
  if (!bound_) throw Error(ErrorCode::kInternal, "HttpServer::Run called before Bind");
  net::post(strand_, [this] { Accept(); });
  std::vector<std::thread> helpers;
  for (int i = 1; i < core.options().io_threads; ++i) {
    helpers.emplace_back([this, i] {
      NameThisThread("io-" + std::to_string(i));
      RunLoop();
    });
  }
  RunLoop();
  for (std::thread& helper : helpers) helper.join();
}

void HttpServer::Impl::RunLoop() {
  for (;;) {
    try {
      ioc_.run();
      return;
    } catch (const std::exception&) {
      // A bug in one connection's handler (allocation failure, ...) must not stop the others; that
      // connection is force-closed by Stop() at the latest.
    }
  }
}

void HttpServer::Impl::Accept() {
  if (core.stopping()) return;
  acceptor_.async_accept(net::make_strand(ioc_),
                         [this](const error_code& ec, tcp::socket socket) { OnAccept(ec, std::move(socket)); });
}

void HttpServer::Impl::OnAccept(const error_code& ec, tcp::socket socket) {
  if (core.stopping()) return;
  if (ec) {
    // Out of file descriptors, or another transient failure: pause instead of spinning on it.
    accept_retry_.expires_after(std::chrono::milliseconds(50));
    accept_retry_.async_wait([this](const error_code& wait_ec) {
      if (!wait_ec) Accept();
    });
    return;
  }
  Admit(std::move(socket));
  Accept();
}

void HttpServer::Impl::Admit(tcp::socket socket) {
  error_code ec;
  const tcp::endpoint peer = socket.remote_endpoint(ec);
  if (ec) return;  // gone before it was accepted
  auto ticket = core.limiter().TryAcquire(AddressText(peer.address()));
  if (!ticket) return Refuse(std::move(socket));
  auto connection = std::make_shared<Connection>(core, std::move(socket), std::move(*ticket));
  core.Register(connection);
  net::post(connection->executor(), [connection] { connection->Start(); });
}

void HttpServer::Impl::Refuse(tcp::socket socket) {
  Response response = core.ErrorResponse(503, "too many connections");
  AddMissingSecurityHeaders(response.headers);
  const std::string request_id = core.NewRequestId();
  std::string bytes = SerializeHead(response, Framing{11, false, false, request_id});
  bytes += response.body;
  // Best effort and never blocking: what fits in the socket's send buffer, then close.
  error_code ignored;
  socket.non_blocking(true, ignored);
  socket.write_some(net::buffer(bytes), ignored);
  socket.shutdown(tcp::socket::shutdown_send, ignored);
  socket.close(ignored);
}

void HttpServer::Impl::BeginStop() {
  if (stop_begun_) return;
  stop_begun_ = true;
  core.set_stopping();
  error_code ignored;
  acceptor_.close(ignored);
  accept_retry_.cancel();
  for (const auto& connection : core.Connections()) {
    net::post(connection->executor(), [connection] { connection->OnServerStopping(); });
  }
  grace_timer_.expires_after(core.options().stop_grace);
  grace_timer_.async_wait([this](const error_code& ec) {
    if (!ec) ForceClose();
  });
  if (core.connection_count() == 0) FinishStop();
}

void HttpServer::Impl::FinishStop() {
  if (stop_finished_) return;
  stop_finished_ = true;
  grace_timer_.cancel();
  work_.reset();  // Run() returns once the last operations have completed
}

void HttpServer::Impl::ForceClose() {
  for (const auto& connection : core.Connections()) {
    net::post(connection->executor(), [connection] { connection->Close(); });
  }
}

HttpServer::HttpServer(ServerOptions options, const Router& router)
    : impl_(std::make_unique<Impl>(std::move(options), router)) {}

HttpServer::~HttpServer() = default;

int HttpServer::Bind(const std::string& host, int port) { return impl_->Bind(host, port); }

void HttpServer::Run() { impl_->Run(); }

void HttpServer::Stop() { impl_->Stop(); }

std::size_t HttpServer::connection_count() const { return impl_->core.connection_count(); }

}  // namespace faceloop::http
