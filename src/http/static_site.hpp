#pragma once
// The web application's built files (web/dist: index.html, hashed assets/*, and the .gz/.br copies
// the build writes next to them), held in memory and served at `/`:
// - files under /assets/ have content hashes in their names: `Cache-Control: immutable`, a year;
//   everything else (index.html) `no-cache` with an ETag, so a deploy is seen on the next load;
// - the precompressed copy the client accepts (br, then gzip), `Vary: Accept-Encoding`;
// - any other path without a file extension is a client-side route: index.html;
// - /v1 is never served from here: an unknown API path stays a 404 problem;
// - every answer carries the security headers (SecurityHeaders()).
// Loaded once at start-up, so no request touches the file system (no path traversal to guard).
#include <filesystem>
#include <map>
#include <string>
#include <string_view>

#include "http/server/message.hpp"

namespace faceloop::http {

/// Content-Security-Policy of the pages: own-origin script, style and requests only, no inline
/// script, no plugins, no framing; images also from blob: (the picked image, drawn locally).
inline constexpr std::string_view kContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; connect-src 'self'; "
    "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Sets CSP, X-Content-Type-Options, X-Frame-Options, Referrer-Policy and Cross-Origin-Opener-Policy.
void SetSecurityHeaders(Headers& headers);

/// The negotiated encoding for `accept_encoding` among those available: "br", "gzip" or "" (identity).
/// Honours q=0 ("gzip;q=0" refuses gzip); otherwise prefers br over gzip.
std::string_view PickEncoding(std::string_view accept_encoding, bool has_brotli, bool has_gzip);

class StaticSite {
 public:
  /// Reads every file under `dir`. A missing folder gives an empty site, whose answers say how to
  /// build it (the API works without the pages).
  static StaticSite Load(const std::filesystem::path& dir);

  bool empty() const { return files_.empty(); }
  std::size_t size() const { return files_.size(); }
  /// The answer to a GET or HEAD for `request.path` (see the header comment).
  Response Serve(const Request& request) const;

 private:
  struct File {
    std::string content_type;
    std::string identity;
    std::string gzip;          ///< empty when there is no smaller .gz copy
    std::string brotli;        ///< empty when there is no smaller .br copy
    std::string content_hash;  ///< of the identity bytes; the ETags derive from it
  };
  const File* Lookup(std::string_view path) const;

  std::map<std::string, File, std::less<>> files_;  ///< by URL path: "/index.html", "/assets/x.js"
};

}  // namespace faceloop::http
