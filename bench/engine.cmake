add_library(osh_benchdata STATIC ${CMAKE_CURRENT_LIST_DIR}/benchdata.cpp ${CMAKE_CURRENT_LIST_DIR}/benchdata.h)
target_link_libraries(osh_benchdata PUBLIC osh_strict)
target_include_directories(osh_benchdata PUBLIC ${CMAKE_CURRENT_LIST_DIR})

osh_add_bench(bench_engine ${CMAKE_CURRENT_LIST_DIR}/bench_engine.cpp)
target_link_libraries(bench_engine PRIVATE osh_benchdata)
# BM_ParseRequestQt's baseline reader.
target_sources(bench_engine PRIVATE ${PROJECT_SOURCE_DIR}/tests/core/qtrequest.cpp)
target_include_directories(bench_engine PRIVATE ${PROJECT_SOURCE_DIR}/tests/core)

osh_add_bench(bench_osctl_eval ${CMAKE_CURRENT_LIST_DIR}/bench_osctl_eval.cpp)
target_link_libraries(bench_osctl_eval PRIVATE osh_benchdata)
target_compile_definitions(bench_osctl_eval PRIVATE OSCTL_PATH="$<TARGET_FILE:osctl>")
add_dependencies(bench_osctl_eval osctl)

osh_add_bench(bench_index ${CMAKE_CURRENT_LIST_DIR}/bench_index.cpp)
