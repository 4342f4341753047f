# openshelld's API (server side) and the client osctl and the studio use.
# Boost.Beast is header-only; it is compiled in httpserver.cpp and
# apiclient.cpp alone.
find_package(Boost 1.74 REQUIRED)
find_package(OpenSSL REQUIRED)
target_sources(osh_runtime PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/httpserver.cpp ${CMAKE_CURRENT_LIST_DIR}/httpserver.h
    ${CMAKE_CURRENT_LIST_DIR}/access.cpp ${CMAKE_CURRENT_LIST_DIR}/access.h
    ${CMAKE_CURRENT_LIST_DIR}/clientfiles.cpp ${CMAKE_CURRENT_LIST_DIR}/clientfiles.h
    ${CMAKE_CURRENT_LIST_DIR}/statestore.cpp ${CMAKE_CURRENT_LIST_DIR}/statestore.h
    ${CMAKE_CURRENT_LIST_DIR}/staterows.cpp ${CMAKE_CURRENT_LIST_DIR}/staterows.h
    ${CMAKE_CURRENT_LIST_DIR}/sealedfile.cpp ${CMAKE_CURRENT_LIST_DIR}/sealedfile.h
    ${CMAKE_CURRENT_LIST_DIR}/gatewaylink.cpp ${CMAKE_CURRENT_LIST_DIR}/gatewaylink.h
    ${CMAKE_CURRENT_LIST_DIR}/sessionregistry.cpp ${CMAKE_CURRENT_LIST_DIR}/sessionregistry.h
    ${CMAKE_CURRENT_LIST_DIR}/apicall.h
    ${CMAKE_CURRENT_LIST_DIR}/apiinternal.h
    ${CMAKE_CURRENT_LIST_DIR}/apiservice.cpp ${CMAKE_CURRENT_LIST_DIR}/apiservice.h ${CMAKE_CURRENT_LIST_DIR}/apireads.cpp
    ${CMAKE_CURRENT_LIST_DIR}/apiagent.cpp
    ${CMAKE_CURRENT_LIST_DIR}/apiclient.cpp ${CMAKE_CURRENT_LIST_DIR}/apiclient.h
    ${CMAKE_CURRENT_LIST_DIR}/forwardformat.cpp ${CMAKE_CURRENT_LIST_DIR}/forwardformat.h
    ${CMAKE_CURRENT_LIST_DIR}/forwarder.cpp ${CMAKE_CURRENT_LIST_DIR}/forwarder.h
    ${CMAKE_CURRENT_LIST_DIR}/forwardsource.cpp ${CMAKE_CURRENT_LIST_DIR}/forwardsource.h
    ${CMAKE_CURRENT_LIST_DIR}/forwardcursor.cpp ${CMAKE_CURRENT_LIST_DIR}/forwardcursor.h
)
target_link_libraries(osh_runtime PRIVATE Boost::headers OpenSSL::SSL OpenSSL::Crypto SQLite::SQLite3)
# Compiled alone: Boost.Beast's templates make it the longest source of
# the build on its own, and its Impl holds types of an anonymous namespace.
set_source_files_properties(${CMAKE_CURRENT_LIST_DIR}/httpserver.cpp PROPERTIES SKIP_UNITY_BUILD_INCLUSION ON)
