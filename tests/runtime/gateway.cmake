osh_add_test(NAME tst_gateway SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_gateway.cpp LIBS osh_runtime)
osh_add_test(NAME tst_workspaceguard SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_workspaceguard.cpp LIBS osh_runtime)
osh_add_test(NAME tst_sessionidentity SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_sessionidentity.cpp LIBS osh_runtime)
osh_add_test(NAME tst_filecontroller SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_filecontroller.cpp LIBS osh_runtime)
osh_add_test(NAME tst_archiveinspector SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_archiveinspector.cpp
    LIBS osh_runtime PkgConfig::LIBARCHIVE)
osh_add_test(NAME tst_approvalbroker SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_approvalbroker.cpp LIBS osh_runtime)
