# Sandbox session ready time next to the bare runtimes (needs root).
osh_add_bench(bench_sandbox ${CMAKE_CURRENT_LIST_DIR}/bench_sandbox.cpp)
target_link_libraries(bench_sandbox PRIVATE osh_runtime)
