#include "http/server/connection.hpp"

#include <array>

#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>

#include "common/error.hpp"
#include "http/server/response_head.hpp"
#include "http/server/security_headers.hpp"

namespace faceloop::http {
namespace {

namespace net = boost::asio;
using tcp = net::ip::tcp;
using boost::system::error_code;

/// Reads of a request head are small so a slow client holds little; bodies come in larger pieces.
constexpr std::size_t kHeadReadBytes = 4 * 1024;
constexpr std::size_t kBodyReadBytes = 64 * 1024;
/// A streamed response body is sent in chunks of this size.
constexpr std::size_t kStreamChunkBytes = 256 * 1024;
/// While lingering after a closing response, at most this much unread input beyond the body limit is
/// discarded: a client that sends its whole (refused) body before reading still gets the answer.
constexpr std::size_t kLingerSlackBytes = 1024 * 1024;

/// The one answer a handler owes. Whoever delivers first wins; if every copy of the Reply is dropped
/// unanswered (a handler that forgot, or a queue that discarded its job), the destructor answers 500
/// so the client is not left waiting until a timeout.
class ReplyState {
 public:
  ReplyState(std::weak_ptr<Connection> connection, std::shared_ptr<ReplyGate> gate)
      : connection_(std::move(connection)), gate_(std::move(gate)) {}
  ~ReplyState() { Deliver(std::nullopt); }
  ReplyState(const ReplyState&) = delete;
  ReplyState& operator=(const ReplyState&) = delete;

  void Deliver(std::optional<Response> response) {
    if (answered_.exchange(true)) return;
    gate_->IfOpen([&] {
      auto connection = connection_.lock();
      if (!connection) return;  // closed meanwhile: nobody to answer
      net::post(connection->executor(),
                [connection, response = std::move(response)]() mutable { connection->Answer(std::move(response)); });
    });
  }

 private:
  std::weak_ptr<Connection> connection_;
  std::shared_ptr<ReplyGate> gate_;
  std::atomic<bool> answered_{false};
};

void RunHandler(const AsyncHandler& handler, RequestPtr request, const std::shared_ptr<ReplyState>& state) {
  try {
    handler(std::move(request), [state](Response response) { state->Deliver(std::move(response)); });
  } catch (...) {
    state->Deliver(std::nullopt);  // 500 with a generic detail; a no-op when it answered before throwing
  }
}

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

Connection::Connection(ServerCore& core, tcp::socket socket, ConnectionLimiter::Ticket ticket)
    : core_(core),
      socket_(std::move(socket)),
      executor_(socket_.get_executor()),
      timer_(executor_),
      ticket_(std::move(ticket)),
      buffer_(core.options().max_header_bytes + kBodyReadBytes) {}

void Connection::Start() {
  error_code ignored;
  // Without it every response on a keep-alive connection waits for the client's delayed ACK (Nagle).
  socket_.set_option(tcp::no_delay(true), ignored);
  WaitForRequest();
}

void Connection::OnServerStopping() {
  if (phase_ == Phase::kIdle) return Close();
  close_after_response_ = true;
}

void Connection::Close() {
  if (phase_ == Phase::kClosed) return;
  phase_ = Phase::kClosed;
  CancelTimer();
  error_code ignored;
  socket_.close(ignored);
  parser_.reset();
  buffer_.clear();
  buffer_.shrink_to_fit();
  core_.Forget(this);
}

void Connection::WaitForRequest() {
  if (close_after_response_ || core_.stopping()) return Close();
  if (buffer_.size() > 0) return BeginRequest();  // pipelined: the next request is already here
  phase_ = Phase::kIdle;
  buffer_.shrink_to_fit();  // an idle connection holds no buffer
  ArmTimer(Clock::now() + core_.options().idle_timeout, OnExpiry::kClose);
  // Wait for readability rather than read, so no buffer is allocated until bytes arrive.
  socket_.async_wait(tcp::socket::wait_read, [self = shared_from_this()](const error_code& ec) {
    if (self->phase_ != Phase::kIdle) return;
    if (ec) return self->Close();
    self->BeginRequest();
  });
}

void Connection::BeginRequest() {
  phase_ = Phase::kReading;
  request_start_ = Clock::now();
  parser_.emplace(core_.parser_limits());
  head_accepted_ = false;
  ArmTimer(request_start_ + core_.options().head_timeout, OnExpiry::kRequestTimeout);
  Parse();
}

void Connection::Parse() {
  for (;;) {
    const net::const_buffer data = buffer_.data();
    const std::size_t used = parser_->Feed(std::string_view(static_cast<const char*>(data.data()), data.size()));
    buffer_.consume(used);
    if (parser_->failure()) {
      const ParseFailure failure = *parser_->failure();
      return SendError(failure.status, failure.detail);
    }
    if (parser_->head_done() && !head_accepted_) {
      head_accepted_ = true;
      if (!AcceptHead()) return;
      continue;  // some of the body may be buffered already
    }
    if (parser_->done()) return Dispatch();
    if (used == 0) break;
  }
  ReadMore();
}

void Connection::ReadMore() {
  const std::size_t room = buffer_.max_size() - buffer_.size();
  if (room == 0) {
    // The parser consumes every whole field and all body bytes, so only one endless line fills it.
    return parser_->head_done() ? SendError(400, "chunk header line too long")
                                : SendError(431, "request head too large");
  }
  const std::size_t chunk = std::min(room, parser_->head_done() ? kBodyReadBytes : kHeadReadBytes);
  socket_.async_read_some(buffer_.prepare(chunk),
                          [self = shared_from_this()](const error_code& ec, std::size_t n) { self->OnRead(ec, n); });
}

void Connection::OnRead(const error_code& ec, std::size_t bytes) {
  if (phase_ != Phase::kReading) return;
  if (ec) {
    if (deadline_hit_) {
      return SendError(
          408, parser_->head_done() ? "request body not received in time" : "request head not received in time");
    }
    return Close();  // the client went away mid-request: nobody to answer
  }
  buffer_.commit(bytes);
  if (head_accepted_) ArmBodyTimer();  // progress: the body may go quiet again for body_idle_timeout
  Parse();
}

void Connection::ArmBodyTimer() {
  const ServerOptions& options = core_.options();
  ArmTimer(std::min(request_start_ + options.request_timeout, Clock::now() + options.body_idle_timeout),
           OnExpiry::kRequestTimeout);
}

bool Connection::AcceptHead() {
  Request& request = parser_->request();
  request.remote_addr = ticket_.address();
  request.client_addr = request.remote_addr;
  request.request_id = core_.NewRequestId();
  head_request_ = request.method == "HEAD";
  if (!Prepare(request)) return false;
  Router::Match match = core_.router().Find(request.method, request.path);
  if (match.route == nullptr) {
    SendError(match.miss_status, match.miss_status == 405 ? "method not allowed" : "no such resource", match.allow);
    return false;
  }
  route_ = match.route;
  request.path_params = std::move(match.params);
  ArmBodyTimer();
  if (!parser_->wants_continue()) return true;
  SendContinue();
  return false;
}

bool Connection::Prepare(Request& request) {
  if (!core_.options().prepare) return true;
  try {
    core_.options().prepare(request);
    return true;
  } catch (const Error& error) {
    SendError(error.http_status(), error.what());
  } catch (...) {
    SendError(500, "internal error");
  }
  return false;
}

void Connection::SendContinue() {
  static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
  net::async_write(socket_, net::buffer(kContinue.data(), kContinue.size()),
                   [self = shared_from_this()](const error_code& ec, std::size_t) {
                     if (self->phase_ != Phase::kReading) return;
                     if (!ec) return self->Parse();
                     if (self->deadline_hit_) return self->SendError(408, "request body not received in time");
                     self->Close();
                   });
}

void Connection::Dispatch() {
  phase_ = Phase::kHandling;
  CancelTimer();  // a handler's time is its own business (the detect route has its queue deadline)
  version_ = parser_->version();
  client_keep_alive_ = parser_->keep_alive();
  request_ = std::make_shared<Request>(std::move(parser_->request()));
  parser_.reset();
  auto state = std::make_shared<ReplyState>(weak_from_this(), core_.gate());
  core_.handlers().Post([handler = &route_->handler, request = request_, state = std::move(state)]() mutable {
    RunHandler(*handler, std::move(request), state);
  });
}

void Connection::Answer(std::optional<Response> response) {
  if (phase_ != Phase::kHandling) return;
  if (!response) {
    response = core_.ErrorResponse(500, "internal error");
  } else if (response->status < 200 || response->status > 599) {
    response = core_.ErrorResponse(500, "internal error: invalid response status");
  }
  Send(std::move(*response), false);
}

void Connection::SendError(int status, std::string_view detail, const std::string& allow) {
  Response response = core_.ErrorResponse(status, detail);
  if (!allow.empty()) response.headers.Set("Allow", allow);
  const bool head_parsed = parser_ && parser_->head_done();
  // Only once the whole request is consumed is it known where the next one starts.
  const bool request_consumed = parser_ && parser_->done() && !parser_->failure();
  version_ = head_parsed && parser_->version() == 10 ? 10 : 11;
  client_keep_alive_ = request_consumed && parser_->keep_alive();
  request_ = std::make_shared<Request>(head_parsed ? std::move(parser_->request()) : Request());
  request_->remote_addr = ticket_.address();
  if (request_->client_addr.empty()) request_->client_addr = request_->remote_addr;
  if (request_->request_id.empty()) request_->request_id = core_.NewRequestId();
  head_request_ = request_->method == "HEAD";
  parser_.reset();
  Send(std::move(response), !request_consumed);
}

void Connection::Send(Response response, bool close_after) {
  phase_ = Phase::kWriting;
  ++requests_served_;
  keep_after_write_ = !close_after && client_keep_alive_ && !close_after_response_ && !core_.stopping() &&
                      requests_served_ < core_.options().max_requests_per_connection;
  const Framing framing{version_, keep_after_write_, head_request_, request_->request_id};
  AddMissingSecurityHeaders(response.headers);
  response_head_ = SerializeHead(response, framing);
  response_ = std::move(response);
  ArmTimer(Clock::now() + core_.options().write_timeout, OnExpiry::kClose);
  if (response_.body_source && SendsBody(response_, framing)) {
    stream_left_ = response_.body_length;
    net::async_write(socket_, net::buffer(response_head_),
                     [self = shared_from_this()](const error_code& ec, std::size_t) { self->SendChunk(ec); });
    return;
  }
  const std::array<net::const_buffer, 2> buffers{
      net::buffer(response_head_), SendsBody(response_, framing) ? net::buffer(response_.body) : net::const_buffer()};
  net::async_write(socket_, buffers,
                   [self = shared_from_this()](const error_code& ec, std::size_t) { self->OnWritten(ec); });
}

void Connection::SendChunk(const error_code& ec) {
  if (ec || stream_left_ == 0) return OnWritten(ec);
  // One chunk in memory at a time, whatever the body's length; each chunk gets a fresh write
  // deadline, so a slow but steady client is not cut off.
  stream_chunk_.resize(static_cast<std::size_t>(std::min<std::uint64_t>(kStreamChunkBytes, stream_left_)));
  std::size_t got = 0;
  try {
    got = response_.body_source(stream_chunk_.data(), stream_chunk_.size());
  } catch (const std::exception&) {
    got = 0;
  }
  if (got == 0) {  // the source ended early or failed: the promised length cannot be kept
    keep_after_write_ = false;
    return OnWritten(net::error::make_error_code(net::error::connection_aborted));
  }
  stream_left_ -= got;
  ArmTimer(Clock::now() + core_.options().write_timeout, OnExpiry::kClose);
  net::async_write(socket_, net::buffer(stream_chunk_.data(), got),
                   [self = shared_from_this()](const error_code& next, std::size_t) { self->SendChunk(next); });
}

void Connection::OnWritten(const error_code& ec) {
  core_.Complete(*request_, response_, SecondsSince(request_start_));
  request_.reset();
  response_ = Response();
  response_head_ = std::string();
  stream_chunk_ = std::string();
  route_ = nullptr;
  if (phase_ == Phase::kClosed) return;
  CancelTimer();
  if (ec) return Close();
  if (!keep_after_write_) return Linger();
  WaitForRequest();
}

void Connection::Linger() {
  // Closing with unread input makes the kernel send a reset, which can destroy the response before
  // the client reads it; so stop sending, and discard what still comes for a short while.
  phase_ = Phase::kLingering;
  error_code ignored;
  socket_.shutdown(tcp::socket::shutdown_send, ignored);
  buffer_.clear();
  lingered_bytes_ = 0;
  ArmTimer(Clock::now() + core_.options().linger_timeout, OnExpiry::kClose);
  DrainSome();
}

void Connection::DrainSome() {
  socket_.async_read_some(buffer_.prepare(kBodyReadBytes),
                          [self = shared_from_this()](const error_code& ec, std::size_t bytes) {
                            if (self->phase_ != Phase::kLingering) return;
                            self->lingered_bytes_ += bytes;
                            const std::uint64_t most = self->core_.options().max_body_bytes + kLingerSlackBytes;
                            if (ec || self->lingered_bytes_ > most) return self->Close();
                            self->DrainSome();  // never committed: the same space is reused
                          });
}

void Connection::ArmTimer(Clock::time_point deadline, OnExpiry what) {
  ++timer_generation_;
  on_expiry_ = what;
  deadline_hit_ = false;
  timer_.expires_at(deadline);
  timer_.async_wait([self = shared_from_this(), generation = timer_generation_](const error_code& ec) {
    if (!ec) self->OnTimer(generation);
  });
}

void Connection::CancelTimer() {
  ++timer_generation_;
  timer_.cancel();
}

void Connection::OnTimer(std::uint64_t generation) {
  if (generation != timer_generation_ || phase_ == Phase::kClosed) return;
  if (on_expiry_ == OnExpiry::kClose) return Close();
  // The pending read (or 100 Continue write) completes with operation_aborted and answers 408.
  deadline_hit_ = true;
  error_code ignored;
  socket_.cancel(ignored);
}

}  // namespace faceloop::http
