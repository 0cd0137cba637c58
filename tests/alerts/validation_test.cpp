// Rule validation as a unit: every refusal a precise 422 naming its field; the webhook URL policy
// (schemes, loopback / link-local / metadata addresses, the allow-list); the webhook signature.
#include "alerts/validation.hpp"

#include <gtest/gtest.h>

#include "alerts/signature.hpp"
#include "common/error.hpp"

namespace faceloop::alerts {
namespace {

const UrlPolicy kDefaultPolicy({});

nlohmann::json Valid() {
  return {{"name", "low confidence"}, {"metric", "confidence_mean"}, {"comparator", "<"}, {"threshold", 0.5}};
}

/// The detail of the 422 that parsing `body` throws; "" when it parses.
std::string Refusal(const nlohmann::json& body, const UrlPolicy& policy = kDefaultPolicy) {
  try {
    ParseRule(body, policy);
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kUnprocessable) << e.what();
    return e.what();
  }
  return "";
}

nlohmann::json With(const char* key, nlohmann::json value) {
  nlohmann::json body = Valid();
  body[key] = std::move(value);
  return body;
}

bool StartsWith(const std::string& text, const std::string& prefix) { return text.rfind(prefix, 0) == 0; }

TEST(RuleValidationTest, AValidRuleTakesDefaultsForWhatIsLeftOut) {
  const Rule rule = ParseRule(Valid(), kDefaultPolicy);
  EXPECT_EQ(rule.metric, "confidence_mean");
  EXPECT_EQ(rule.window_minutes, 60);
  EXPECT_EQ(rule.min_sample, 20);
  EXPECT_TRUE(rule.enabled);
  EXPECT_TRUE(rule.emails.empty());
  EXPECT_FALSE(rule.webhook_url.has_value());
}

TEST(RuleValidationTest, EachBadFieldIsNamed) {
  EXPECT_TRUE(StartsWith(Refusal(With("metric", "cpu")), "metric: unknown metric 'cpu'"));
  EXPECT_TRUE(StartsWith(Refusal(With("window_minutes", -5)), "window_minutes: "));
  EXPECT_TRUE(StartsWith(Refusal(With("window_minutes", 0)), "window_minutes: "));
  EXPECT_TRUE(StartsWith(Refusal(With("window_minutes", 1.5)), "window_minutes: must be a whole number"));
  EXPECT_TRUE(StartsWith(Refusal(With("comparator", "==")), "comparator: "));
  EXPECT_TRUE(StartsWith(Refusal(With("threshold", "high")), "threshold: "));
  EXPECT_TRUE(StartsWith(Refusal(With("min_sample", 0)), "min_sample: "));
  EXPECT_TRUE(StartsWith(Refusal(With("cooldown_minutes", -1)), "cooldown_minutes: "));
  EXPECT_TRUE(StartsWith(Refusal(With("enabled", "yes")), "enabled: "));
  EXPECT_TRUE(StartsWith(Refusal(With("colour", "red")), "colour: unknown field"));
  EXPECT_TRUE(StartsWith(Refusal(With("name", "")), "name: "));
  nlohmann::json no_threshold = Valid();
  no_threshold.erase("threshold");
  EXPECT_TRUE(StartsWith(Refusal(no_threshold), "threshold: is required"));
  EXPECT_EQ(Refusal(nlohmann::json::array()), "the rule must be a JSON object");
}

TEST(RuleValidationTest, DriftMetricsNeedAKnownFeatureAndOthersNone) {
  nlohmann::json drift = With("metric", "drift_psi");
  EXPECT_TRUE(StartsWith(Refusal(drift), "feature: is required"));
  drift["feature"] = "image.sparkle";
  EXPECT_TRUE(StartsWith(Refusal(drift), "feature: unknown feature"));
  drift["feature"] = "image.brightness";
  EXPECT_EQ(Refusal(drift), "");
  EXPECT_TRUE(StartsWith(Refusal(With("feature", "image.brightness")), "feature: applies to drift metrics only"));
}

TEST(RuleValidationTest, EmailsMustBeAddresses) {
  EXPECT_TRUE(
      StartsWith(Refusal(With("emails", nlohmann::json::array({"ok@example.com", "not an address"}))), "emails[1]: "));
  EXPECT_TRUE(StartsWith(Refusal(With("emails", "ok@example.com")), "emails: must be an array"));
  EXPECT_TRUE(
      StartsWith(Refusal(With("emails", nlohmann::json::array({"a@example.com\r\nBcc: x@evil.test"}))), "emails[0]: "));
  const Rule rule =
      ParseRule(With("emails", nlohmann::json::array({"a@example.com", "a@example.com"})), kDefaultPolicy);
  EXPECT_EQ(rule.emails, std::vector<std::string>{"a@example.com"});  // told once
}

TEST(RuleValidationTest, WebhooksMustBeHttpAndNotReachTheHostOrTheMetadataService) {
  for (const char* url : {"ftp://example.com/x", "file:///etc/passwd", "gopher://x", "example.com/hook"}) {
    EXPECT_EQ(Refusal(With("webhook_url", url)), "webhook_url: must be an http or https URL") << url;
  }
  for (const char* url :
       {"http://127.0.0.1:8080/x", "http://169.254.169.254/latest/meta-data", "http://[::1]/x", "http://[fe80::1]/x",
        "http://0.0.0.0/x", "http://[::ffff:127.0.0.1]/x", "http://localhost/x"}) {
    EXPECT_TRUE(StartsWith(Refusal(With("webhook_url", url)), "webhook_url: host")) << url;
  }
  EXPECT_TRUE(StartsWith(Refusal(With("webhook_url", "http://user:pw@example.com/x")), "webhook_url: "));
  EXPECT_EQ(Refusal(With("webhook_url", "https://203.0.113.7/hook")), "");
}

TEST(RuleValidationTest, TheAllowListLetsConfiguredNetworksThrough) {
  const UrlPolicy loopback({"127.0.0.1/32"});
  EXPECT_EQ(Refusal(With("webhook_url", "http://127.0.0.1:8080/x"), loopback), "");
  EXPECT_NE(Refusal(With("webhook_url", "http://127.0.0.2:8080/x"), loopback), "");
  EXPECT_NE(Refusal(With("webhook_url", "http://169.254.169.254/x"), loopback), "");
  EXPECT_THROW(UrlPolicy({"127.0.0.1/33"}), Error);
  EXPECT_THROW(UrlPolicy({"not-a-network"}), Error);
}

TEST(RuleValidationTest, WebhookSecretsAreCheckedAndNeedAUrl) {
  EXPECT_TRUE(StartsWith(Refusal(With("webhook_secret", "0123456789abcdef")), "webhook_secret: needs a webhook_url"));
  nlohmann::json body = With("webhook_url", "https://203.0.113.7/hook");
  body["webhook_secret"] = "short";
  EXPECT_TRUE(StartsWith(Refusal(body), "webhook_secret: "));
}

TEST(WebhookSignatureTest, IsHmacSha256OverTimestampDotBody) {
  // Python: hmac.new(b"0123456789abcdef", b'1700000000.{"a":1}', hashlib.sha256).hexdigest()
  EXPECT_EQ(Sign("0123456789abcdef", "1700000000", R"({"a":1})"),
            "sha256=9eb18f493f8ec135d9eb2dad817c369bb4e9cbfa818657897a7437c1cd8c3a23");
  EXPECT_EQ(NewSecret().size(), 64u);
  EXPECT_NE(NewSecret(), NewSecret());
}

}  // namespace
}  // namespace faceloop::alerts
