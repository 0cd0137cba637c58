// The web application's files: caching, encodings, client routes, the API left alone, the
// security headers; and the router's fallback that sends unrouted GETs there.
#include "http/static_site.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "http/server/router.hpp"
#include "support/temp_dir.hpp"

namespace faceloop::http {
namespace {

void Write(const std::filesystem::path& path, const std::string& bytes) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << bytes;
}

Request Get(const std::string& path, const std::string& accept_encoding = "") {
  Request request;
  request.method = "GET";
  request.path = path;
  if (!accept_encoding.empty()) request.headers.Set("Accept-Encoding", accept_encoding);
  return request;
}

class StaticSiteTest : public ::testing::Test {
 protected:
  StaticSiteTest() {
    Write(dir_.path() / "index.html", "<!doctype html><title>x</title>" + std::string(200, ' '));
    Write(dir_.path() / "assets/app-1a2b.js", std::string(300, 'a'));
    Write(dir_.path() / "assets/app-1a2b.js.gz", "GZ");
    Write(dir_.path() / "assets/app-1a2b.js.br", "BR");
    site_ = StaticSite::Load(dir_.path());
  }
  faceloop::testing::TempDir dir_;
  StaticSite site_;
};

TEST_F(StaticSiteTest, HashedAssetsAreImmutableIndexIsRevalidated) {
  const Response asset = site_.Serve(Get("/assets/app-1a2b.js"));
  EXPECT_EQ(asset.status, 200);
  EXPECT_EQ(asset.body, std::string(300, 'a'));
  EXPECT_EQ(asset.headers.Get("Cache-Control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(asset.headers.Get("Content-Type"), "text/javascript; charset=utf-8");
  const Response index = site_.Serve(Get("/"));
  EXPECT_EQ(index.headers.Get("Cache-Control"), "no-cache");
  EXPECT_EQ(index.headers.Get("Content-Type"), "text/html; charset=utf-8");

  Request again = Get("/");
  again.headers.Set("If-None-Match", std::string(index.headers.Get("ETag")));
  EXPECT_EQ(site_.Serve(again).status, 304);
}

TEST_F(StaticSiteTest, ServesThePrecompressedCopyTheClientAccepts) {
  EXPECT_EQ(site_.Serve(Get("/assets/app-1a2b.js", "gzip, deflate, br")).body, "BR");
  const Response gzip = site_.Serve(Get("/assets/app-1a2b.js", "gzip"));
  EXPECT_EQ(gzip.body, "GZ");
  EXPECT_EQ(gzip.headers.Get("Content-Encoding"), "gzip");
  EXPECT_EQ(gzip.headers.Get("Vary"), "Accept-Encoding");
  EXPECT_EQ(site_.Serve(Get("/assets/app-1a2b.js", "br;q=0, gzip;q=0.5")).body, "GZ");
  const Response plain = site_.Serve(Get("/assets/app-1a2b.js", "identity"));
  EXPECT_EQ(plain.body, std::string(300, 'a'));
  EXPECT_FALSE(plain.headers.Has("Content-Encoding"));
  EXPECT_NE(gzip.headers.Get("ETag"), plain.headers.Get("ETag"));
}

TEST_F(StaticSiteTest, ClientRoutesGetTheIndexOtherPathsAndTheApiDoNot) {
  EXPECT_EQ(site_.Serve(Get("/history/01ABC")).headers.Get("Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(site_.Serve(Get("/login")).status, 200);
  EXPECT_EQ(site_.Serve(Get("/missing.png")).status, 404);
  EXPECT_EQ(site_.Serve(Get("/assets/other.js")).status, 404);
  for (const char* path : {"/v1/unknown", "/v1", "/v2/detect", "/v0/requests"}) {
    const Response api = site_.Serve(Get(path));
    EXPECT_EQ(api.status, 404) << path;
    EXPECT_EQ(api.headers.Get("Content-Type"), "application/problem+json") << path;
  }
  EXPECT_EQ(site_.Serve(Get("/videos")).status, 200);  // a client route that merely starts with "v"
}

TEST_F(StaticSiteTest, EveryAnswerCarriesTheSecurityHeaders) {
  for (const char* path : {"/", "/assets/app-1a2b.js", "/nope.txt"}) {
    const Response response = site_.Serve(Get(path));
    EXPECT_EQ(response.headers.Get("Content-Security-Policy"), kContentSecurityPolicy) << path;
    EXPECT_NE(response.headers.Get("Content-Security-Policy").find("frame-ancestors 'none'"), std::string::npos);
    EXPECT_EQ(std::string(kContentSecurityPolicy).find("unsafe-inline"), std::string::npos);
    EXPECT_EQ(response.headers.Get("X-Content-Type-Options"), "nosniff") << path;
    EXPECT_EQ(response.headers.Get("Referrer-Policy"), "no-referrer") << path;
  }
}

TEST(StaticSiteMissingTest, AnUnbuiltSiteSaysHowToBuildIt) {
  const StaticSite site = StaticSite::Load("/nonexistent/faceloop-web");
  EXPECT_TRUE(site.empty());
  const Response response = site.Serve(Get("/"));
  EXPECT_EQ(response.status, 404);
  EXPECT_NE(response.body.find("scripts/setup.sh"), std::string::npos);
}

TEST(RouterFallbackTest, OnlyUnroutedGetsAndHeadsFallBack) {
  Router router;
  router.Add("POST", "/v1/detect", SyncHandler([](const Request&, Response&) {}));
  EXPECT_EQ(router.Find("GET", "/history").miss_status, 404);
  router.SetFallback(Synchronous([](const Request&, Response&) {}));
  EXPECT_NE(router.Find("GET", "/history").route, nullptr);
  EXPECT_NE(router.Find("HEAD", "/").route, nullptr);
  EXPECT_EQ(router.Find("POST", "/history").miss_status, 404);
  EXPECT_EQ(router.Find("GET", "/v1/detect").miss_status, 405);  // a known path keeps its 405
}

}  // namespace
}  // namespace faceloop::http
