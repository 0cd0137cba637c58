#include "http/client_ip.hpp"

#include <gtest/gtest.h>

#include <string_view>

#include "common/error.hpp"

namespace faceloop::http {
namespace {

TEST(TruncateIpTest, KeepsTheNetworkOnly) {
  EXPECT_EQ(TruncateIp("203.0.113.77"), "203.0.113.0");
  EXPECT_EQ(TruncateIp("2001:db8:1:2::5"), "2001:db8:1::");
  EXPECT_EQ(TruncateIp("not an address"), "");
}

TEST(TrustedProxiesTest, MatchesAddressesAndNetworks) {
  const TrustedProxies proxies({"127.0.0.1", "10.0.0.0/8", "192.168.1.128/25", "fd00::/8"});
  EXPECT_TRUE(proxies.Contains("127.0.0.1"));
  EXPECT_FALSE(proxies.Contains("127.0.0.2"));
  EXPECT_TRUE(proxies.Contains("10.200.3.4"));
  EXPECT_TRUE(proxies.Contains("192.168.1.200"));
  EXPECT_FALSE(proxies.Contains("192.168.1.100"));
  EXPECT_TRUE(proxies.Contains("fd12::1"));
  EXPECT_FALSE(proxies.Contains("fe80::1"));
  EXPECT_FALSE(proxies.Contains("garbage"));
}

TEST(TrustedProxiesTest, ForwardedForCountsOnlyFromTrustedPeers) {
  const TrustedProxies proxies({"127.0.0.1", "10.0.0.0/8"});
  EXPECT_EQ(proxies.ClientAddress("203.0.113.9", "1.2.3.4"), "203.0.113.9");  // untrusted peer: ignored
  EXPECT_EQ(proxies.ClientAddress("127.0.0.1", "198.51.100.7"), "198.51.100.7");
  // The right-most hop that is not ours; what the client wrote further left is not believed.
  EXPECT_EQ(proxies.ClientAddress("127.0.0.1", "6.6.6.6, 198.51.100.7, 10.1.1.1"), "198.51.100.7");
  EXPECT_EQ(proxies.ClientAddress("127.0.0.1", "junk, 198.51.100.7"), "198.51.100.7");
  EXPECT_EQ(proxies.ClientAddress("127.0.0.1", ""), "127.0.0.1");
  EXPECT_EQ(TrustedProxies({}).ClientAddress("127.0.0.1", "1.2.3.4"), "127.0.0.1");
  // inet_pton stops at a NUL; the hop must not (found by fuzz/request_fields_fuzzer.cpp).
  using namespace std::string_view_literals;
  EXPECT_EQ(proxies.ClientAddress("127.0.0.1", "198.51.100.7, 1.2.3.4\0junk"sv), "127.0.0.1");  // malformed: stop
}

TEST(TrustedProxiesTest, BadEntriesAreRefused) {
  for (const char* entry : {"10.0.0.0/33", "10.0.0.0/x", "host.example", "::/129"}) {
    EXPECT_THROW(TrustedProxies({entry}), Error) << entry;
  }
}

}  // namespace
}  // namespace faceloop::http
