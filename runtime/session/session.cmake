target_sources(osh_runtime PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/sessionid.cpp ${CMAKE_CURRENT_LIST_DIR}/sessionid.h
    ${CMAKE_CURRENT_LIST_DIR}/sessionidentity.cpp ${CMAKE_CURRENT_LIST_DIR}/sessionidentity.h
    ${CMAKE_CURRENT_LIST_DIR}/workspaceguard.cpp ${CMAKE_CURRENT_LIST_DIR}/workspaceguard.h
)
target_sources(osh_runtime PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/approvalbrokers.cpp ${CMAKE_CURRENT_LIST_DIR}/approvalbrokers.h
    ${CMAKE_CURRENT_LIST_DIR}/heldparameters.cpp ${CMAKE_CURRENT_LIST_DIR}/heldparameters.h
    ${CMAKE_CURRENT_LIST_DIR}/sandboxtoolrunner.cpp ${CMAKE_CURRENT_LIST_DIR}/sandboxtoolrunner.h
    ${CMAKE_CURRENT_LIST_DIR}/mcpserverhost.cpp ${CMAKE_CURRENT_LIST_DIR}/mcpserverhost.h
    ${CMAKE_CURRENT_LIST_DIR}/agentsession.cpp ${CMAKE_CURRENT_LIST_DIR}/agentsession.h ${CMAKE_CURRENT_LIST_DIR}/agentsessionapi.cpp
)
target_sources(osh_runtime PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/sessionresources.cpp ${CMAKE_CURRENT_LIST_DIR}/sessionresources.h
    ${CMAKE_CURRENT_LIST_DIR}/workspaceservices.cpp ${CMAKE_CURRENT_LIST_DIR}/workspaceservices.h
    ${CMAKE_CURRENT_LIST_DIR}/trustbundle.cpp ${CMAKE_CURRENT_LIST_DIR}/trustbundle.h
)
