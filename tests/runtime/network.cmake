# The network guardian proxy: parsers, and end-to-end on loopback.
foreach(t tst_networkparsers tst_networkproxy tst_networkdns tst_networkinspect tst_tlsintercept tst_httpmessage)
    osh_add_test(NAME ${t} SOURCES ${CMAKE_CURRENT_LIST_DIR}/${t}.cpp LIBS osh_runtime)
    target_include_directories(${t} PRIVATE ${CMAKE_CURRENT_LIST_DIR})
endforeach()
