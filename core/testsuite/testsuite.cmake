target_sources(osh_core PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/testsuite.h
    ${CMAKE_CURRENT_LIST_DIR}/yamljson.cpp ${CMAKE_CURRENT_LIST_DIR}/yamljson.h
    ${CMAKE_CURRENT_LIST_DIR}/testsuiteloader.cpp ${CMAKE_CURRENT_LIST_DIR}/testsuiteloader.h
    ${CMAKE_CURRENT_LIST_DIR}/testcoverage.cpp ${CMAKE_CURRENT_LIST_DIR}/testcoverage.h
    ${CMAKE_CURRENT_LIST_DIR}/testrunner.cpp ${CMAKE_CURRENT_LIST_DIR}/testrunner.h
    ${CMAKE_CURRENT_LIST_DIR}/workspacetests.cpp ${CMAKE_CURRENT_LIST_DIR}/workspacetests.h
    ${CMAKE_CURRENT_LIST_DIR}/testcasewriter.cpp ${CMAKE_CURRENT_LIST_DIR}/testcasewriter.h
)
