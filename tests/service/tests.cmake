# openshelld end to end: needs root (the service), gVisor, setpriv.
osh_add_test(NAME tst_openshelld SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_openshelld.cpp ${CMAKE_CURRENT_LIST_DIR}/servicefixture.h
             LIBS osh_runtime osh_core)
target_include_directories(tst_openshelld PRIVATE ${CMAKE_CURRENT_LIST_DIR})
target_compile_definitions(tst_openshelld PRIVATE OPENSHELLD_PATH="$<TARGET_FILE:openshelld>" OSCTL_PATH="$<TARGET_FILE:osctl>")
add_dependencies(tst_openshelld openshelld osctl)
set_tests_properties(tst_openshelld PROPERTIES TIMEOUT 600 RUN_SERIAL TRUE)
