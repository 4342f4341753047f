osh_add_bench(bench_proxy ${CMAKE_CURRENT_LIST_DIR}/bench_proxy.cpp)
target_link_libraries(bench_proxy PRIVATE osh_runtime)
target_include_directories(bench_proxy PRIVATE ${PROJECT_SOURCE_DIR}/tests/runtime)
