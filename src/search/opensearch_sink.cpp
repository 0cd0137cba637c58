#include "search/opensearch_sink.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "common/error.hpp"
#include "common/time.hpp"
#include "net/curl.hpp"
#include "net/http_client.hpp"
#include "net/http_status.hpp"
#include "search/index_templates.hpp"

namespace faceloop::search {
namespace {

using nlohmann::json;

// Only what the sink reads back from a _bulk answer: on large batches the full per-item
// results (index, _id, _version, _shards, ...) would be most of the traffic.
constexpr std::string_view kBulkPath =
    "/_bulk?filter_path=errors,items.*.status,items.*.error.type,items.*.error.reason";
constexpr std::size_t kMaxReasonChars = 300;

bool IsTransient(long status) { return status == 429 || status >= 500; }

// Builds messages by appending: GCC 12 warns (-Wrestrict, a false positive) on `"literal" + std::string(...)`.
std::string Concat(std::initializer_list<std::string_view> parts) {
  std::string text;
  for (std::string_view part : parts) text += part;
  return text;
}

// Invalid UTF-8 in a field (say, a user agent) must not make the whole batch unsendable: it is
// replaced by U+FFFD rather than throwing. Without indentation dump() writes one line, with
// newlines inside strings escaped, as NDJSON needs.
std::string DumpLine(const json& value) { return value.dump(-1, ' ', false, json::error_handler_t::replace); }

std::string Truncate(std::string text) {
  if (text.size() > kMaxReasonChars) text.resize(kMaxReasonChars);
  return text;
}

// A field of a node's answer as text, whatever its JSON type: answers are read, never trusted to
// have the documented shape (json::value would throw on a type mismatch).
std::string TextField(const json& object, const char* key) {
  if (!object.contains(key)) return "";
  const json& value = object[key];
  return value.is_string() ? value.get<std::string>() : DumpLine(value);
}

// "type: reason" of an OpenSearch error object (or whatever the node sent instead).
std::string DescribeError(const json& error) {
  if (error.is_object()) return Truncate(Concat({TextField(error, "type"), ": ", TextField(error, "reason")}));
  return Truncate(error.is_string() ? error.get<std::string>() : DumpLine(error));
}

std::string DescribeErrorBody(const std::string& body) {
  const json parsed = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_object() && parsed.contains("error")) return DescribeError(parsed["error"]);
  return Truncate(body);
}

// Why a document cannot be sent at all, or "" when it can.
std::string Unsendable(const Document& doc) {
  if (doc.family != kRequestsFamily && doc.family != kEventsFamily && doc.family != kFeedbackFamily) {
    return "unknown family '" + doc.family + "'";
  }
  if (doc.id.empty()) return "empty id";
  if (!doc.body.is_object()) return "body is not a JSON object";
  return "";
}

// --- URL and credentials -------------------------------------------------------------------------

// The URL split into what is safe to print and the credentials, which go to curl separately so no
// message or log line ever carries them.
struct Endpoint {
  std::string base;  // scheme://host:port[/path], no credentials, no trailing '/'
  std::string user;
  std::string password;
};

std::optional<std::string> UrlPart(CURLU* url, CURLUPart part, unsigned flags) {
  char* value = nullptr;
  if (curl_url_get(url, part, &value, flags) != CURLUE_OK || value == nullptr) return std::nullopt;
  std::string copy(value);
  curl_free(value);
  return copy;
}

// Messages name the field, never the value: the URL may hold a password.
[[noreturn]] void BadUrl(std::string_view why) {
  throw Error(ErrorCode::kBadRequest, Concat({"search url: ", why, " (want http(s)://[user:pass@]host:port)"}));
}

Endpoint ParseEndpoint(const std::string& text) {
  net::CurlUrl url(curl_url());
  if (!url) throw Error(ErrorCode::kInternal, "search: out of memory");
  if (text.empty()) BadUrl("empty");
  if (curl_url_set(url.get(), CURLUPART_URL, text.c_str(), 0) != CURLUE_OK) BadUrl("not a valid URL");
  const auto scheme = UrlPart(url.get(), CURLUPART_SCHEME, 0);
  if (scheme != "http" && scheme != "https") BadUrl("scheme must be http or https");
  if (UrlPart(url.get(), CURLUPART_QUERY, 0) || UrlPart(url.get(), CURLUPART_FRAGMENT, 0)) {
    BadUrl("no query or fragment allowed");
  }
  Endpoint endpoint;
  endpoint.user = UrlPart(url.get(), CURLUPART_USER, CURLU_URLDECODE).value_or("");
  endpoint.password = UrlPart(url.get(), CURLUPART_PASSWORD, CURLU_URLDECODE).value_or("");
  curl_url_set(url.get(), CURLUPART_USER, nullptr, 0);
  curl_url_set(url.get(), CURLUPART_PASSWORD, nullptr, 0);
  endpoint.base = UrlPart(url.get(), CURLUPART_URL, 0).value_or("");
  while (!endpoint.base.empty() && endpoint.base.back() == '/') endpoint.base.pop_back();
  return endpoint;
}

void ValidateConfig(const OpenSearchConfig& config) {
  const std::string& prefix = config.index_prefix;
  const auto allowed = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
  };
  // Index names must be lower case and may not start with '-', '_' or '+'.
  if (prefix.empty() || prefix.size() > 100 || !std::all_of(prefix.begin(), prefix.end(), allowed) ||
      prefix.front() == '-' || prefix.front() == '_' || prefix.front() == '.') {
    throw Error(ErrorCode::kBadRequest,
                "search index_prefix: want 1-100 characters of [a-z0-9._-] starting with a letter or digit");
  }
  if (config.timeout_ms <= 0) throw Error(ErrorCode::kBadRequest, "search timeout_ms: must be positive");
  if (config.number_of_replicas < 0) {
    throw Error(ErrorCode::kBadRequest, "search number_of_replicas: must not be negative");
  }
}

// --- HTTP ----------------------------------------------------------------------------------------

net::HttpClientOptions ClientOptions(const OpenSearchConfig& config, const Endpoint& endpoint) {
  net::HttpClientOptions options;
  options.connect_timeout = std::chrono::milliseconds(config.timeout_ms);
  options.timeout = std::chrono::milliseconds(config.timeout_ms);
  options.verify_peer = config.verify_peer;
  options.username = endpoint.user;
  options.password = endpoint.password;
  return options;
}

// Turns a non-2xx answer to a whole request into the error the caller can act on (net's rule:
// 5xx kUnavailable, 429 kTooManyRequests, 413 kPayloadTooLarge, ...).
void ThrowForStatus(const net::HttpResponse& response, std::string_view what, const std::string& base) {
  if (response.status >= 200 && response.status < 300) return;
  throw net::StatusError(response.status,
                         Concat({"search: ", what, " at ", base, ": HTTP ", std::to_string(response.status), ": ",
                                 DescribeErrorBody(std::string(response.text()))}));
}

class OpenSearchHttpSink final : public ISearchSink {
 public:
  explicit OpenSearchHttpSink(OpenSearchConfig config)
      : config_(std::move(config)), endpoint_(ParseEndpoint(config_.url)), client_(ClientOptions(config_, endpoint_)) {}

  void EnsureSetup() override {
    const TemplateOptions options{config_.index_prefix, config_.number_of_replicas};
    for (const IndexTemplate& index_template : IndexTemplates(options)) {
      const std::string what = "index template " + index_template.name;
      const net::HttpResponse response =
          Send("PUT", "/_index_template/" + index_template.name, DumpLine(index_template.body), kJson, what);
      ThrowForStatus(response, what, endpoint_.base);
    }
  }

  BulkResult Index(const std::vector<Document>& docs) override {
    BulkResult result;
    std::vector<std::string> sent;
    const std::string body = BuildBulkBody(config_.index_prefix, docs, sent, result);
    if (sent.empty()) return result;  // an empty _bulk request is an error on the node
    const net::HttpResponse response = Send("POST", kBulkPath, body, kNdjson, "bulk request");
    ThrowForStatus(response, "bulk request", endpoint_.base);
    ReadBulkResponse(response.text(), sent, result);
    return result;
  }

  void DeleteUserRequests(const std::string& user_id) override {
    DeleteByQuery(kRequestsFamily, {{"term", {{"user_id", user_id}}}});
    // Feedback the user gave, and feedback anyone gave on the user's requests.
    DeleteByQuery(
        kFeedbackFamily,
        {{"bool",
          {{"should", json::array({{{"term", {{"user_id", user_id}}}}, {{"term", {{"request_user_id", user_id}}}}})},
           {"minimum_should_match", 1}}}});
  }

  void DeleteBefore(std::string_view family, std::string_view time_field,
                    std::chrono::system_clock::time_point cutoff) override {
    DeleteByQuery(family, {{"range", {{std::string(time_field), {{"lt", FormatTimestamp(cutoff)}}}}}});
  }

  std::string_view Name() const override { return "opensearch"; }

 private:
  static constexpr std::string_view kJson = "application/json";
  static constexpr std::string_view kNdjson = "application/x-ndjson";

  void DeleteByQuery(std::string_view family, const json& query) {
    // conflicts=proceed: a document re-indexed concurrently is not a reason to fail the deletion.
    const std::string path =
        Concat({"/", config_.index_prefix, "-", family, "-*/_delete_by_query?conflicts=proceed&refresh=true"});
    const net::HttpResponse response = Send("POST", path, DumpLine(json{{"query", query}}), kJson, "delete by query");
    if (response.status == 404) return;  // no index of the family yet: nothing to delete
    ThrowForStatus(response, "delete by query", endpoint_.base);
  }

  // Every request of the sink may be sent twice: templates are PUT, bulk actions are `index` with an
  // _id (a second one replaces the first), and deleting what is already gone changes nothing.
  net::HttpResponse Send(const char* method, std::string_view path, const std::string& body,
                         std::string_view content_type, std::string_view what) {
    net::HttpRequest request;
    request.method = method;
    request.url = endpoint_.base + std::string(path);
    request.headers = {{"Content-Type", std::string(content_type)}};
    request.body = net::AsBytes(body);
    request.idempotent = true;
    request.what = Concat({"search: ", what});
    return client_.Send(request);
  }

  OpenSearchConfig config_;
  Endpoint endpoint_;
  net::HttpClient client_;
};

}  // namespace

std::unique_ptr<ISearchSink> MakeOpenSearchSink(OpenSearchConfig config) {
  ValidateConfig(config);
  net::EnsureCurlInitialized();  // before the URL parser (curl_url) runs
  return std::make_unique<OpenSearchHttpSink>(std::move(config));
}

std::string IndexName(std::string_view prefix, std::string_view family, std::chrono::system_clock::time_point time) {
  const std::chrono::year_month_day date{std::chrono::floor<std::chrono::days>(time)};
  char day[16];
  (void)std::snprintf(day, sizeof day, "%04d.%02u.%02u", static_cast<int>(date.year()),
                      static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
  return Concat({prefix, "-", family, "-", day});
}

std::string BuildBulkBody(std::string_view prefix, const std::vector<Document>& docs, std::vector<std::string>& sent,
                          BulkResult& result) {
  std::string body;
  for (const Document& doc : docs) {
    if (std::string why = Unsendable(doc); !why.empty()) {
      result.rejected_ids.push_back(doc.id);
      result.rejected_reasons.push_back("not sent: " + why);
      continue;
    }
    // `index` (not `create`): a retried batch replaces what an earlier try already indexed.
    const json action = {{"index", {{"_index", IndexName(prefix, doc.family, doc.time)}, {"_id", doc.id}}}};
    body += DumpLine(action);
    body += '\n';
    body += DumpLine(doc.body);
    body += '\n';
    sent.push_back(doc.id);
  }
  return body;
}

void ReadBulkResponse(std::string_view response, const std::vector<std::string>& sent, BulkResult& result) {
  const json parsed = json::parse(response, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_object() || !parsed.contains("errors") || !parsed["errors"].is_boolean()) {
    throw Error(ErrorCode::kUnavailable,
                "search: bulk response without an 'errors' flag: " + Truncate(std::string(response)));
  }
  if (!parsed["errors"].get<bool>()) return;
  static const json kAbsent;  // stands in for a missing part without copying the present ones
  const json& items = parsed.contains("items") ? parsed["items"] : kAbsent;
  if (!items.is_array() || items.size() != sent.size()) {
    throw Error(ErrorCode::kUnavailable, "search: bulk response does not list every document");
  }
  std::size_t transient = 0;
  std::string first_transient;
  for (std::size_t i = 0; i < sent.size(); ++i) {
    // Each item is {"<action>": {"status": N, "error": {...}}}, in request order.
    const json& item = items[i].is_object() && !items[i].empty() ? items[i].begin().value() : kAbsent;
    const long status = item.is_object() && item.contains("status") && item["status"].is_number_integer()
                            ? item["status"].get<long>()
                            : 0;
    if (status >= 200 && status < 300) continue;
    const std::string reason = item.is_object() && item.contains("error") ? DescribeError(item["error"]) : "no status";
    if (status == 0 || IsTransient(status)) {
      if (transient++ == 0) first_transient = reason;
      continue;
    }
    result.rejected_ids.push_back(sent[i]);
    result.rejected_reasons.push_back(reason);
  }
  if (transient > 0) {
    throw Error(ErrorCode::kUnavailable,
                Concat({"search: ", std::to_string(transient), " of ", std::to_string(sent.size()),
                        " documents failed transiently (first: ", first_transient, ")"}));
  }
}

}  // namespace faceloop::search
