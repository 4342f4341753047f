# The network guardian proxy: the sandboxes' only way out (docs/network-guardian.md).
target_sources(osh_runtime PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/httpparser.cpp ${CMAKE_CURRENT_LIST_DIR}/httpparser.h
    ${CMAKE_CURRENT_LIST_DIR}/tlsclienthello.cpp ${CMAKE_CURRENT_LIST_DIR}/tlsclienthello.h
    ${CMAKE_CURRENT_LIST_DIR}/smtpguard.cpp ${CMAKE_CURRENT_LIST_DIR}/smtpguard.h
    ${CMAKE_CURRENT_LIST_DIR}/tunnelrelay.cpp ${CMAKE_CURRENT_LIST_DIR}/tunnelrelay.h
    ${CMAKE_CURRENT_LIST_DIR}/resolver.cpp ${CMAKE_CURRENT_LIST_DIR}/resolver.h
    ${CMAKE_CURRENT_LIST_DIR}/listener.cpp ${CMAKE_CURRENT_LIST_DIR}/listener.h
    ${CMAKE_CURRENT_LIST_DIR}/httpmessage.cpp ${CMAKE_CURRENT_LIST_DIR}/httpmessage.h
    ${CMAKE_CURRENT_LIST_DIR}/sessionca.cpp ${CMAKE_CURRENT_LIST_DIR}/sessionca.h
    ${CMAKE_CURRENT_LIST_DIR}/tlsstream.cpp ${CMAKE_CURRENT_LIST_DIR}/tlsstream.h
    ${CMAKE_CURRENT_LIST_DIR}/httpinspector.cpp ${CMAKE_CURRENT_LIST_DIR}/httpinspector.h
    ${CMAKE_CURRENT_LIST_DIR}/egressaudit.cpp ${CMAKE_CURRENT_LIST_DIR}/egressaudit.h
    ${CMAKE_CURRENT_LIST_DIR}/proxyconnection.cpp ${CMAKE_CURRENT_LIST_DIR}/proxyconnection.h
    ${CMAKE_CURRENT_LIST_DIR}/networkguardianproxy.cpp ${CMAKE_CURRENT_LIST_DIR}/networkguardianproxy.h
)
find_package(OpenSSL REQUIRED)
# Inspected HTTP requests are parsed by Debian's libhttp-parser.
find_library(OSH_HTTP_PARSER_LIB http_parser REQUIRED)
find_path(OSH_HTTP_PARSER_INCLUDE http_parser.h REQUIRED)
target_include_directories(osh_runtime PRIVATE ${OSH_HTTP_PARSER_INCLUDE})
target_link_libraries(osh_runtime PRIVATE ${OSH_HTTP_PARSER_LIB} OpenSSL::SSL OpenSSL::Crypto)
