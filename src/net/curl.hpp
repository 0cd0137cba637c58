#pragma once
// libcurl plumbing shared by every client of ours (HTTP in http_client.hpp, SMTP in mail/): the one
// process-wide initialisation, owning types for its handles (nothing leaks when a step throws) and
// the one rule for what a failed transfer means to our callers.
#include <curl/curl.h>

#include <memory>
#include <string>

#include "common/error.hpp"

namespace faceloop::net {

/// Runs curl_global_init once per process, on first use: it is not thread-safe and must not run
/// during static initialisation. Throws Error(kInternal) when it fails; a later call tries again.
void EnsureCurlInitialized();

struct CurlEasyDeleter {
  void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};
using CurlEasy = std::unique_ptr<CURL, CurlEasyDeleter>;

/// A new easy handle, libcurl initialised first. Throws Error(kInternal) when out of memory.
CurlEasy MakeCurlEasy();

struct CurlUrlDeleter {
  void operator()(CURLU* url) const { curl_url_cleanup(url); }
};
/// A parsed URL (curl_url_get/set).
using CurlUrl = std::unique_ptr<CURLU, CurlUrlDeleter>;

/// A curl_slist (request headers, SMTP recipients) that frees itself.
class CurlList {
 public:
  /// Throws Error(kInternal) when out of memory; the list is unchanged then.
  void Append(const std::string& line);
  curl_slist* get() const { return list_.get(); }

 private:
  struct Deleter {
    void operator()(curl_slist* list) const { curl_slist_free_all(list); }
  };
  std::unique_ptr<curl_slist, Deleter> list_;
};

/// What a failed transfer means to the caller: Error(kInternal) for failures of ours that waiting
/// cannot fix (a malformed URL, a protocol or option this libcurl lacks, out of memory, an unreadable
/// CA file, our own upload callback); kUnavailable for everything the peer or the network caused
/// (refused, unresolvable, timed out, reset, TLS handshake or certificate refused).
ErrorCode ErrorCodeForTransfer(CURLcode code);

/// Whether trying the same request again may succeed: a connection that failed or broke, a timeout.
bool IsTransientTransfer(CURLcode code);

/// Whether the request certainly never reached the server (no connection was made), so that even a
/// request that must not run twice may be tried again.
bool NothingWasSent(CURLcode code);

}  // namespace faceloop::net
