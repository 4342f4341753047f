# The network guardian proxy: the sandboxes' only way out (docs/network-guardian.md).
target_sources(osh_runtime PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/httpparser.cpp ${CMAKE_CURRENT_LIST_DIR}/httpparser.h
    ${CMAKE_CURRENT_LIST_DIR}/tlsclienthello.cpp ${CMAKE_CURRENT_LIST_DIR}/tlsclienthello.h
    ${CMAKE_CURRENT_LIST_DIR}/smtpguard.cpp ${CMAKE_CURRENT_LIST_DIR}/smtpguard.h
    ${CMAKE_CURRENT_LIST_DIR}/tunnelrelay.cpp ${CMAKE_CURRENT_LIST_DIR}/tunnelrelay.h
    ${CMAKE_CURRENT_LIST_DIR}/resolver.cpp ${CMAKE_CURRENT_LIST_DIR}/resolver.h
    ${CMAKE_CURRENT_LIST_DIR}/listener.cpp ${CMAKE_CURRENT_LIST_DIR}/listener.h
    ${CMAKE_CURRENT_LIST_DIR}/proxyconnection.cpp ${CMAKE_CURRENT_LIST_DIR}/proxyconnection.h
    ${CMAKE_CURRENT_LIST_DIR}/networkguardianproxy.cpp ${CMAKE_CURRENT_LIST_DIR}/networkguardianproxy.h
)
