#include "net/curl.hpp"

#include <mutex>

namespace faceloop::net {

void EnsureCurlInitialized() {
  static std::once_flag once;
  // call_once leaves the flag unset when the function throws, so a later call tries again.
  std::call_once(once, [] {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
      throw Error(ErrorCode::kInternal, "libcurl initialisation (curl_global_init) failed");
    }
  });
}

CurlEasy MakeCurlEasy() {
  EnsureCurlInitialized();
  CurlEasy handle(curl_easy_init());
  if (!handle) throw Error(ErrorCode::kInternal, "libcurl could not allocate a handle (curl_easy_init)");
  return handle;
}

void CurlList::Append(const std::string& line) {
  // On failure curl_slist_append returns NULL and leaves the list as it was.
  curl_slist* head = curl_slist_append(list_.get(), line.c_str());
  if (head == nullptr) throw Error(ErrorCode::kInternal, "libcurl: out of memory for a list entry");
  if (!list_) list_.reset(head);
}

ErrorCode ErrorCodeForTransfer(CURLcode code) {
  switch (code) {
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
    case CURLE_NOT_BUILT_IN:
    case CURLE_OUT_OF_MEMORY:
    case CURLE_BAD_FUNCTION_ARGUMENT:
    case CURLE_UNKNOWN_OPTION:
    case CURLE_READ_ERROR:
    case CURLE_SSL_CACERT_BADFILE: return ErrorCode::kInternal;
    default: return ErrorCode::kUnavailable;
  }
}

bool IsTransientTransfer(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM: return true;
    default: return false;
  }
}

bool NothingWasSent(CURLcode code) { return code == CURLE_COULDNT_RESOLVE_HOST || code == CURLE_COULDNT_CONNECT; }

}  // namespace faceloop::net
