#pragma once
// One client connection: wait for a request, parse it under one deadline, hand it to a handler
// thread, write the response, and again. Everything runs on the connection's strand; nothing blocks.
// Internal to the engine.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>

#include "http/server/connection_limiter.hpp"
#include "http/server/request_parser.hpp"
#include "http/server/server_core.hpp"

namespace faceloop::http {

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  /// `socket` is bound to a strand of its own; every member below runs on it.
  Connection(ServerCore& core, boost::asio::ip::tcp::socket socket, ConnectionLimiter::Ticket ticket);

  const boost::asio::any_io_executor& executor() const { return executor_; }
  void Start();
  /// The server stops: an idle connection closes now, a busy one after its response.
  void OnServerStopping();
  void Close();
  /// The handler's response; nullopt when the handler failed (threw, or dropped its Reply).
  void Answer(std::optional<Response> response);

 private:
  enum class Phase { kIdle, kReading, kHandling, kWriting, kLingering, kClosed };
  /// What the connection timer does when it fires.
  enum class OnExpiry { kClose, kRequestTimeout };
  using Clock = std::chrono::steady_clock;

  void WaitForRequest();
  void BeginRequest();
  void Parse();
  void ReadMore();
  void OnRead(const boost::system::error_code& ec, std::size_t bytes);
  /// Routes the head and sends 100 Continue if asked; false when it took over (error or async write).
  bool AcceptHead();
  /// Runs the prepare hook; false when it refused the request (and an error is on its way).
  bool Prepare(Request& request);
  void SendContinue();
  void Dispatch();
  void SendError(int status, std::string_view detail, const std::string& allow = {});
  void Send(Response response, bool close_after);
  void OnWritten(const boost::system::error_code& ec);
  /// A streamed body (Response::body_source): the next chunk after the last one was written.
  void SendChunk(const boost::system::error_code& ec);
  void Linger();
  void DrainSome();
  void ArmTimer(Clock::time_point deadline, OnExpiry what);
  /// The body's deadline: request_timeout overall, and body_idle_timeout without a byte.
  void ArmBodyTimer();
  void CancelTimer();
  void OnTimer(std::uint64_t generation);

  ServerCore& core_;
  boost::asio::ip::tcp::socket socket_;
  const boost::asio::any_io_executor executor_;
  boost::asio::steady_timer timer_;
  ConnectionLimiter::Ticket ticket_;
  boost::beast::flat_buffer buffer_;

  Phase phase_ = Phase::kIdle;
  std::uint64_t timer_generation_ = 0;
  OnExpiry on_expiry_ = OnExpiry::kClose;
  bool deadline_hit_ = false;
  bool close_after_response_ = false;
  std::size_t requests_served_ = 0;
  std::size_t lingered_bytes_ = 0;

  // The request in progress.
  Clock::time_point request_start_;
  std::optional<RequestParser> parser_;
  bool head_accepted_ = false;
  const Router::Route* route_ = nullptr;
  RequestPtr request_;
  int version_ = 11;
  bool client_keep_alive_ = false;
  bool head_request_ = false;

  // The response being written.
  Response response_;
  std::string response_head_;
  bool keep_after_write_ = false;
  std::string stream_chunk_;       ///< the chunk of a streamed body being written
  std::uint64_t stream_left_ = 0;  ///< bytes of a streamed body still to send
};

}  // namespace faceloop::http
