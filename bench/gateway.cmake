osh_add_bench(bench_gateway ${CMAKE_CURRENT_LIST_DIR}/bench_gateway.cpp)
target_link_libraries(bench_gateway PRIVATE osh_runtime)
