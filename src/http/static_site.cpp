#include "http/static_site.hpp"

#include <cstdio>
#include <fstream>
#include <iterator>

#include "common/error.hpp"
#include "http/problem.hpp"

namespace faceloop::http {
namespace {

constexpr std::string_view kIndex = "/index.html";
constexpr std::string_view kImmutable = "public, max-age=31536000, immutable";

std::string ReadAll(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

std::string_view ContentType(const std::filesystem::path& path) {
  static const std::map<std::string, std::string_view, std::less<>> kTypes = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".txt", "text/plain; charset=utf-8"},
      {".woff2", "font/woff2"},
      {".webmanifest", "application/manifest+json"}};
  const auto it = kTypes.find(path.extension().string());
  return it == kTypes.end() ? "application/octet-stream" : it->second;
}

/// A validator for one encoding of the content: a content hash (not a security property, only a
/// change detector) plus the encoding, since each encoding is its own representation.
std::string Etag(std::string_view content_hash, std::string_view encoding) {
  std::string etag = "\"";
  etag.append(content_hash);
  if (!encoding.empty()) etag.append("-").append(encoding);
  return etag.append("\"");
}

std::string ContentHash(std::string_view content) {
  char hex[17];
  (void)std::snprintf(hex, sizeof hex, "%016zx", std::hash<std::string_view>{}(content));
  return hex;
}

/// The precompressed sibling `path` + `suffix`, if there is one and it is smaller.
std::string Compressed(const std::filesystem::path& path, const char* suffix, std::size_t identity_size) {
  std::filesystem::path sibling = path;
  sibling += suffix;
  if (!std::filesystem::is_regular_file(sibling)) return {};
  std::string bytes = ReadAll(sibling);
  return bytes.size() < identity_size ? bytes : std::string();
}

std::string_view TrimSpaces(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

/// Whether the Accept-Encoding list names `coding` with a q other than 0.
bool Accepts(std::string_view accept_encoding, std::string_view coding) {
  while (!accept_encoding.empty()) {
    const std::size_t comma = accept_encoding.find(',');
    std::string_view item = TrimSpaces(accept_encoding.substr(0, comma));
    const std::size_t semicolon = item.find(';');
    const std::string_view name = TrimSpaces(item.substr(0, semicolon));
    if (name == coding) {
      if (semicolon == std::string_view::npos) return true;
      std::string_view q = TrimSpaces(item.substr(semicolon + 1));
      // "q=0", "q=0.0", "q=0.000" refuse; anything else accepts.
      return !(q.starts_with("q=0") && q.substr(3).find_first_not_of(".0") == std::string_view::npos);
    }
    if (comma == std::string_view::npos) break;
    accept_encoding.remove_prefix(comma + 1);
  }
  return false;
}

/// "/v1", "/v1/...", and any other version ("/v2/detect"): the API's, never the web application's.
bool IsApiPath(std::string_view path) {
  std::size_t end = 2;
  while (end < path.size() && path[end] >= '0' && path[end] <= '9') ++end;
  return path.starts_with("/v") && end > 2 && (end == path.size() || path[end] == '/');
}

/// A client-side route: no extension in the last segment ("/history/0123" yes, "/favicon.ico" no).
bool IsClientRoute(std::string_view path) {
  const std::size_t slash = path.rfind('/');
  return path.substr(slash == std::string_view::npos ? 0 : slash).find('.') == std::string_view::npos;
}

}  // namespace

void SetSecurityHeaders(Headers& headers) {
  headers.Set("Content-Security-Policy", std::string(kContentSecurityPolicy));
  headers.Set("X-Content-Type-Options", "nosniff");
  headers.Set("X-Frame-Options", "DENY");
  headers.Set("Referrer-Policy", "no-referrer");
  headers.Set("Cross-Origin-Opener-Policy", "same-origin");
}

std::string_view PickEncoding(std::string_view accept_encoding, bool has_brotli, bool has_gzip) {
  if (has_brotli && Accepts(accept_encoding, "br")) return "br";
  if (has_gzip && Accepts(accept_encoding, "gzip")) return "gzip";
  return "";
}

StaticSite StaticSite::Load(const std::filesystem::path& dir) {
  StaticSite site;
  std::error_code error;
  // Nothing logged here: start-up's first line is "listening on" (scripts and tests wait for it);
  // an unbuilt site says what to do in its 404 answers instead.
  if (!std::filesystem::is_directory(dir, error)) return site;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    const std::filesystem::path& path = entry.path();
    const std::string extension = path.extension().string();
    if (!entry.is_regular_file() || extension == ".gz" || extension == ".br") continue;
    File file{std::string(ContentType(path)), ReadAll(path), {}, {}, {}};
    file.gzip = Compressed(path, ".gz", file.identity.size());
    file.brotli = Compressed(path, ".br", file.identity.size());
    file.content_hash = ContentHash(file.identity);
    std::string url(1, '/');
    url.append(std::filesystem::relative(path, dir).generic_string());
    site.files_.emplace(std::move(url), std::move(file));
  }
  return site;
}

const StaticSite::File* StaticSite::Lookup(std::string_view path) const {
  if (IsApiPath(path)) return nullptr;
  if (const auto it = files_.find(path); it != files_.end()) return &it->second;
  if (path == "/" || IsClientRoute(path)) {
    if (const auto it = files_.find(kIndex); it != files_.end()) return &it->second;
  }
  return nullptr;
}

Response StaticSite::Serve(const Request& request) const {
  const File* file = Lookup(request.path);
  if (file == nullptr) {
    const char* detail = empty() && !IsApiPath(request.path)
                             ? "the web application is not built (scripts/setup.sh builds web/)"
                             : "no such resource";
    Response response = ProblemResponse(404, detail);
    SetSecurityHeaders(response.headers);
    return response;
  }
  Response response;
  SetSecurityHeaders(response.headers);
  const bool immutable = request.path.starts_with("/assets/");
  response.headers.Set("Cache-Control", immutable ? std::string(kImmutable) : "no-cache");
  response.headers.Set("Vary", "Accept-Encoding");
  const std::string_view encoding =
      PickEncoding(request.Header("Accept-Encoding"), !file->brotli.empty(), !file->gzip.empty());
  const std::string etag = Etag(file->content_hash, encoding);
  response.headers.Set("ETag", etag);
  if (request.Header("If-None-Match") == etag) {
    response.status = 304;
    return response;
  }
  if (!encoding.empty()) response.headers.Set("Content-Encoding", std::string(encoding));
  const std::string& body = encoding == "br" ? file->brotli : encoding == "gzip" ? file->gzip : file->identity;
  response.SetContent(body, file->content_type);
  return response;
}

}  // namespace faceloop::http
