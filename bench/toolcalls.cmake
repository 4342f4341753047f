# Tool call latency from inside a session, pooled and cold, beside runsc/crun exec (needs root).
osh_add_bench(bench_toolcalls ${CMAKE_CURRENT_LIST_DIR}/bench_toolcalls.cpp)
target_link_libraries(bench_toolcalls PRIVATE osh_runtime)
target_compile_definitions(bench_toolcalls PRIVATE OSH_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
