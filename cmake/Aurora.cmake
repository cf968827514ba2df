# Helpers: aurora_module(), aurora_test(), aurora_bench().

set(AURORA_WARNINGS -Wall -Wextra -Wpedantic -Wnon-virtual-dtor -Wimplicit-fallthrough)
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  list(APPEND AURORA_WARNINGS -Wshadow=local)
endif()
if(AURORA_WERROR)
  list(APPEND AURORA_WARNINGS -Werror)
endif()

if(AURORA_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

if(AURORA_FUZZ)
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()

# aurora_module(NAME SOURCES ... DEPS ...): one static library per module, includes rooted at src/.
function(aurora_module name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(aurora_${name} STATIC ${ARG_SOURCES})
  target_include_directories(aurora_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_compile_options(aurora_${name} PRIVATE ${AURORA_WARNINGS})
  target_link_libraries(aurora_${name} PUBLIC ${ARG_DEPS})
endfunction()

# aurora_test(NAME SOURCES ... DEPS ...): a GoogleTest binary registered with CTest.
function(aurora_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_compile_options(${name} PRIVATE ${AURORA_WARNINGS})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gmock GTest::gtest_main)
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60 PROPERTIES TIMEOUT 600)
endfunction()

# aurora_bench(NAME SOURCES ... DEPS ...): a Google Benchmark binary (not run by the test suite).
function(aurora_bench name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_compile_options(${name} PRIVATE ${AURORA_WARNINGS})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} benchmark::benchmark)
endfunction()
