# Every dependency is a Debian 12 package (scripts/bootstrap.sh installs them).
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(GTest REQUIRED)
find_package(benchmark REQUIRED)
find_package(fmt REQUIRED)
find_package(spdlog REQUIRED)
find_package(CLI11 REQUIRED)
find_package(nlohmann_json REQUIRED)
find_package(simdjson REQUIRED)
find_package(absl REQUIRED)
pkg_check_modules(LZ4 REQUIRED IMPORTED_TARGET liblz4)
pkg_check_modules(ZSTD REQUIRED IMPORTED_TARGET libzstd)
pkg_check_modules(XXHASH REQUIRED IMPORTED_TARGET libxxhash)
pkg_check_modules(RE2 REQUIRED IMPORTED_TARGET re2)
# Roaring bitmaps (Debian's libroaring-dev ships no pkg-config file).
find_library(ROARING_LIBRARY roaring REQUIRED)
find_path(ROARING_INCLUDE_DIR roaring/roaring.hh REQUIRED)
add_library(Roaring::roaring UNKNOWN IMPORTED)
set_target_properties(Roaring::roaring PROPERTIES IMPORTED_LOCATION "${ROARING_LIBRARY}"
                      INTERFACE_INCLUDE_DIRECTORIES "${ROARING_INCLUDE_DIR}")
# Users, passwords and tokens: OpenSSL's libcrypto (libssl-dev); application metadata: SQLite
# (libsqlite3-dev).
find_package(OpenSSL REQUIRED)
pkg_check_modules(SQLITE3 REQUIRED IMPORTED_TARGET sqlite3)
# Kafka sources, and the mock broker (rdkafka_mock.h) tests run: librdkafka (librdkafka-dev).
pkg_check_modules(RDKAFKA REQUIRED IMPORTED_TARGET rdkafka)
