# Real sandboxes (runsc and crun); needs root. `ctest -R sandbox` runs both tests.
osh_add_test(NAME tst_sandbox SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_sandbox.cpp LIBS osh_runtime Qt6::Network)
osh_add_test(NAME tst_sandboxworkspace SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_sandboxworkspace.cpp
    LIBS osh_runtime PkgConfig::LIBARCHIVE)
set_tests_properties(tst_sandbox PROPERTIES TIMEOUT 400)
osh_add_test(NAME tst_toolpool SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_toolpool.cpp LIBS osh_runtime Qt6::Network)
set_tests_properties(tst_toolpool PROPERTIES TIMEOUT 400)
osh_add_test(NAME tst_mcpserverhost SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_mcpserverhost.cpp LIBS osh_runtime)
