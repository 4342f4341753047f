osh_add_bench(bench_condition ${CMAKE_CURRENT_LIST_DIR}/bench_condition.cpp)
