// The web app's files (ui/, built by Vite), compiled into the binary by embed_web_app at build time:
// each stored gzip-compressed, with its content type and an ETag. Empty when the build left the web app
// out (-DAURORA_WEB_APP=OFF).
#pragma once

#include <string_view>
#include <vector>

namespace aurora::server {

struct WebAsset {
  std::string_view path;          // "/index.html", "/assets/index-3f9a.js"
  std::string_view content_type;  // "text/javascript; charset=utf-8"
  std::string_view gzip;          // the file, gzip-compressed
  std::string_view etag;          // "\"<xxh3 of the file>\""
};

const std::vector<WebAsset>& WebAssets();

}  // namespace aurora::server
