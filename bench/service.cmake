osh_add_bench(bench_api ${CMAKE_CURRENT_LIST_DIR}/bench_api.cpp)
target_link_libraries(bench_api PRIVATE osh_runtime)
osh_add_bench(bench_forward ${CMAKE_CURRENT_LIST_DIR}/bench_forward.cpp)
target_link_libraries(bench_forward PRIVATE osh_runtime)
