#include "search/open_search_sink.hpp"

#include <utility>

namespace faceloop::search {

std::unique_ptr<ISearchSink> OpenSearchSink(OpenSearchConfig config) {
  if (config.url.empty()) return nullptr;
  return MakeOpenSearchSink(std::move(config));  // checks the scheme: the only backend so far
}

}  // namespace faceloop::search
