# The studio's cold start and keystroke-to-diagnostics latency (needs the GUI).
if(TARGET osh_ui AND TARGET openshell-studio)
    osh_add_bench(bench_studio ${CMAKE_CURRENT_LIST_DIR}/bench_studio.cpp)
    target_link_libraries(bench_studio PRIVATE osh_ui osh_benchdata)
    target_compile_definitions(bench_studio PRIVATE
        OSH_STUDIO_PATH="$<TARGET_FILE:openshell-studio>"
        OSH_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
    add_dependencies(bench_studio openshell-studio)
endif()
