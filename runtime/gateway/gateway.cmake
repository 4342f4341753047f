target_sources(osh_runtime PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/toolrunner.h
    ${CMAKE_CURRENT_LIST_DIR}/gatewayhooks.h
    ${CMAKE_CURRENT_LIST_DIR}/processtoolrunner.cpp ${CMAKE_CURRENT_LIST_DIR}/processtoolrunner.h
    ${CMAKE_CURRENT_LIST_DIR}/archiveinspector.cpp ${CMAKE_CURRENT_LIST_DIR}/archiveinspector.h
    ${CMAKE_CURRENT_LIST_DIR}/beneath.cpp ${CMAKE_CURRENT_LIST_DIR}/beneath.h
    ${CMAKE_CURRENT_LIST_DIR}/jsonrpc.cpp ${CMAKE_CURRENT_LIST_DIR}/jsonrpc.h
    ${CMAKE_CURRENT_LIST_DIR}/filecontroller.cpp ${CMAKE_CURRENT_LIST_DIR}/filecontroller.h
    ${CMAKE_CURRENT_LIST_DIR}/gateway.cpp ${CMAKE_CURRENT_LIST_DIR}/gateway.h ${CMAKE_CURRENT_LIST_DIR}/gatewayexec.cpp
    ${CMAKE_CURRENT_LIST_DIR}/gatewayfile.cpp
    ${CMAKE_CURRENT_LIST_DIR}/gatewayguard.cpp
    ${CMAKE_CURRENT_LIST_DIR}/gatewaymcp.cpp ${CMAKE_CURRENT_LIST_DIR}/gatewayresults.h ${CMAKE_CURRENT_LIST_DIR}/mcpservers.h
)
