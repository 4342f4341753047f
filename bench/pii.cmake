osh_add_bench(bench_pii ${CMAKE_CURRENT_LIST_DIR}/bench_pii.cpp)
